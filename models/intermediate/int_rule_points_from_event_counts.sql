{{ config(
    materialized='incremental',
    incremental_strategy='replace_contacts',
    on_schema_change='fail',
) }}

{#- event_count rules (SPEC 4): count | distinct_channels | distinct_days of the events matching a
    rule at as_of; when operator/value holds for that number, the rule's points once, no decay.
    A condition that holds at zero ("fewer than 2 opens") also scores contacts with no match.
    One row per model, contact and matched event_count rule. -#}

-- incremental runs recompute only the contacts of int_contacts_to_score
-- depends_on: {{ ref('int_contacts_to_score') }}

with

matches as (

    select * from {{ ref('int_event_rule_matches') }}
    where kind = 'event_count'
        and (window_days is null or age_days < window_days)

),

rules as (

    select * from {{ ref('stg_config__scoring_rules') }}
    where kind = 'event_count'

),

contacts as (

    select contact_id from {{ ref('int_contacts_accepted') }}
    where {{ is_contact_to_score() }}
        and created_at <= {{ as_of_timestamp() }}

),

-- distinct values are counted by grouping on them first (cheaper than count(distinct))
matches_by_value as (

    select
        matches.model_id,
        matches.rule_id,
        matches.contact_id,
        case rules.aggregate
            when 'distinct_channels' then matches.channel
            when 'distinct_days' then cast(cast(matches.occurred_at as date) as {{ dbt.type_string() }})
            else ''
        end as counted_value,
        count(*) as matched_events,
        max(matches.occurred_at) as last_event_at
    from matches
    inner join rules
        on matches.model_id = rules.model_id
        and matches.rule_id = rules.rule_id
    group by 1, 2, 3, 4

),

aggregated as (

    select
        model_id,
        rule_id,
        contact_id,
        sum(matched_events) as matched_events,
        count(*) as distinct_values,
        max(last_event_at) as last_event_at
    from matches_by_value
    group by 1, 2, 3

),

rules_holding_at_zero as (

    select
        rules.model_id,
        rules.rule_id
    from rules
    where {{ rule_condition_holds(
        'rules.operator', "'0'", '0', 'rules.value_text', 'rules.value_number',
        'rules.value_low', 'rules.value_high'
    ) }}

),

aggregated_with_zeros as (

    select * from aggregated

    union all

    select
        zero_rules.model_id,
        zero_rules.rule_id,
        contacts.contact_id,
        0 as matched_events,
        0 as distinct_values,
        cast(null as {{ dbt.type_timestamp() }}) as last_event_at
    from rules_holding_at_zero as zero_rules
    cross join contacts
    left join aggregated
        on zero_rules.model_id = aggregated.model_id
        and zero_rules.rule_id = aggregated.rule_id
        and contacts.contact_id = aggregated.contact_id
    where aggregated.contact_id is null

),

with_values as (

    select
        aggregated.model_id,
        aggregated.contact_id,
        aggregated.rule_id,
        rules.points,
        rules.operator,
        rules.value_text,
        rules.value_number,
        rules.value_low,
        rules.value_high,
        aggregated.last_event_at,
        cast(aggregated.matched_events as integer) as matched_events,
        cast(
            case when rules.aggregate = 'count' then aggregated.matched_events else aggregated.distinct_values end
            as integer
        ) as aggregate_value
    from aggregated_with_zeros as aggregated
    inner join rules
        on aggregated.model_id = rules.model_id
        and aggregated.rule_id = rules.rule_id

),

final as (

    select
        model_id,
        contact_id,
        rule_id,
        matched_events,
        aggregate_value,
        points,
        last_event_at
    from with_values
    where {{ rule_condition_holds(
        'operator', 'cast(aggregate_value as ' ~ dbt.type_string() ~ ')', 'aggregate_value',
        'value_text', 'value_number', 'value_low', 'value_high'
    ) }}

)

select * from final
