{{ config(severity='warn') }}

{#- Every var('hand_raiser_rule_ids') entry names an event rule of the lifecycle model:
    rpt_missed_opportunities reads the event rules' matches only, so a misspelt id, an
    event_count or property rule, or a rule of another model would be ignored without a word.
    A warning, not an error: the report is advice, the scores do not depend on it. -#}

with

hand_raiser_rules as (

    {%- for rule_id in var('hand_raiser_rule_ids') %}
        select '{{ rule_id }}' as rule_id
        {%- if not loop.last %} union all{% endif %}
    {%- else %}
        select cast(null as {{ dbt.type_string() }}) as rule_id
        where false
    {%- endfor %}

),

lifecycle_event_rules as (

    select rules.rule_id
    from {{ ref('stg_config__scoring_rules') }} as rules
    inner join {{ ref('stg_config__scoring_models') }} as models
        on rules.model_id = models.model_id
    where models.is_lifecycle_model
        and rules.kind = 'event'

)

select
    hand_raiser_rules.rule_id,
    'var hand_raiser_rule_ids: ' || hand_raiser_rules.rule_id
    || ' is not an event rule of the lifecycle model; rpt_missed_opportunities ignores it'
        as problem
from hand_raiser_rules
where hand_raiser_rules.rule_id not in (select rule_id from lifecycle_event_rules)
