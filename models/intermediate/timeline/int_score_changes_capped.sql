{{ config(
    materialized='incremental',
    incremental_strategy='replace_contacts',
    contact_key='contact_number',
    replaced_from_column='changed_at',
    on_schema_change='fail',
) }}

{#- Fit and raw engagement over time: the point changes of every rule kind (property rules at
    created_at, event and event_count rules as they happen), moved to created_at when they happen
    before the contact exists, summed per group and capped at the group's max_points at every
    change. Changes at one moment are capped one by one in any order: capping a running total
    telescopes, so they add up to the right total for that moment. Integer keys only (contact_number,
    score_key; int_score_changes_merged reads it on them): no contact or model names to join and
    write for ~20M rows. One row per model, contact and change time with a net change (a moment whose changes cancel out, or a match a full group
    caps to 0, changes no score and gets no row). An incremental run resumes a recomputed contact
    at its replaced_from (macro resumes_kept_history): each group's running total before it is one
    sum, not a window over its whole history. -#}

-- incremental runs recompute only the contacts of int_contacts_to_score
-- depends_on: {{ ref('int_contacts_to_score') }}

with

contacts as (

    select
        contacts.contact_id,
        contacts.contact_number,
        {%- if resumes_kept_history() %}
            -- the time the contact's changes are computed from (null: its start)
            to_score.replaced_from as resumed_from,
        {%- endif %}
        contacts.created_at
    from {{ ref('int_contacts_accepted') }} as contacts
    {%- if resumes_kept_history() %}
        inner join {{ ref('int_contacts_to_score') }} as to_score
            on contacts.contact_id = to_score.contact_id
    {%- endif %}
    where {{ is_contact_to_score('contacts.contact_id') }}
        and contacts.created_at <= {{ as_of_timestamp() }}

),

-- score_key (macro score_key) and
-- group_key = contact_number * groups + group_number: integers for the windows and the merge below
scoring_models as (

    select * from {{ ref('stg_config__scoring_models') }}

),

scoring_groups as (

    select
        scoring_groups.*,
        scoring_models.model_number,
        scoring_models.model_count,
        row_number() over (order by scoring_groups.model_id, scoring_groups.group_id) - 1 as group_number,
        count(*) over () as group_count
    from {{ ref('stg_config__scoring_groups') }} as scoring_groups
    inner join scoring_models
        on scoring_groups.model_id = scoring_models.model_id

),

rules as (

    select * from {{ ref('stg_config__scoring_rules') }}

),

property_matches as (

    select * from {{ ref('int_rule_points_from_properties') }}
    where {{ is_contact_to_score() }}

),

event_rule_changes as (

    select * from {{ ref('int_score_changes_from_event_rules') }}

),

event_count_rule_changes as (

    select * from {{ ref('int_score_changes_from_event_count_rules') }}
    where {{ is_contact_to_score() }}

),

-- keyed by contact_number (int_score_changes_from_event_rules is)
rule_changes as (

    select
        property_matches.model_id,
        contacts.contact_number,
        rules.group_id,
        contacts.created_at as changed_at,
        rules.points as points_change
    from property_matches
    inner join rules
        on property_matches.model_id = rules.model_id
        and property_matches.rule_id = rules.rule_id
    inner join contacts
        on property_matches.contact_id = contacts.contact_id

    union all

    select
        model_id,
        contact_number,
        group_id,
        changed_at,
        points_change
    from event_rule_changes

    union all

    select
        event_count_rule_changes.model_id,
        contacts.contact_number,
        event_count_rule_changes.group_id,
        event_count_rule_changes.changed_at,
        event_count_rule_changes.points_change
    from event_count_rule_changes
    inner join contacts
        on event_count_rule_changes.contact_id = contacts.contact_id

),

-- one stream, read once (a CTE read twice is materialised whole)
group_changes as (

    select
        {{ score_key('contacts.contact_number', 'scoring_groups') }} as score_key,
        contacts.contact_number * scoring_groups.group_count + scoring_groups.group_number as group_key,
        -- fit or engagement, as a boolean: a smaller payload for the window and the merge
        scoring_groups.score_type = 'fit' as is_fit,
        -- whole cents (macro to_cents) for the window and the merge
        scoring_groups.max_points * 100 as max_cents,
        case
            when rule_changes.changed_at < contacts.created_at then contacts.created_at
            else rule_changes.changed_at
        end as changed_at,
        {%- if resumes_kept_history() %}
            contacts.resumed_from,
        {%- endif %}
        {{ to_cents('rule_changes.points_change') }} as points_cents
    from rule_changes
    inner join contacts
        on rule_changes.contact_number = contacts.contact_number
    inner join scoring_groups
        on rule_changes.model_id = scoring_groups.model_id
        and rule_changes.group_id = scoring_groups.group_id

),

-- what the window runs over: every change, or for a resumed contact its changes from
-- resumed_from on after one row per group (is_state_before, just before it) holding the sum of
-- the group's changes before it; the running totals then continue from that state
changes_to_run as (

    {% if resumes_kept_history() -%}
        select
            score_key,
            group_key,
            is_fit,
            max_cents,
            changed_at,
            points_cents,
            false as is_state_before
        from group_changes
        where resumed_from is null or changed_at >= resumed_from

        union all

        select
            score_key,
            group_key,
            is_fit,
            max_cents,
            {{ dbt.dateadd('microsecond', -1, 'resumed_from') }} as changed_at,
            sum(points_cents) as points_cents,
            true as is_state_before
        from group_changes
        where changed_at < resumed_from
        group by score_key, group_key, is_fit, max_cents, resumed_from
    {%- else -%}
        select * from group_changes
    {%- endif %}

),

-- a cap bites on the running group total: the capped change is cap(after) - cap(before)
capped_group_changes as (

    select
        score_key,
        is_fit,
        changed_at,
        case
            when max_cents is null then points_cents
            else
                least(running_cents, max_cents)
                - least(running_cents - points_cents, max_cents)
        end as points_cents
    from (
        select
            *,
            sum(points_cents) over (
                partition by group_key
                order by changed_at
                rows between unbounded preceding and current row
            ) as running_cents
        from changes_to_run
    ) as running_groups
    {%- if resumes_kept_history() %}
        where not is_state_before
    {%- endif %}

),

merged as (

    select
        score_key,
        changed_at,
        sum(case when is_fit then points_cents else 0 end) as fit_cents,
        sum(case when not is_fit then points_cents else 0 end) as engagement_cents
    from capped_group_changes
    group by score_key, changed_at

),

model_counts as (

    select max(model_count) as model_count from scoring_models

),

final as (

    select
        {{ contact_number_of_score_key('merged.score_key', 'model_counts.model_count') }} as contact_number,
        merged.score_key,
        merged.changed_at,
        {{ from_cents('merged.fit_cents') }} as fit_change,
        {{ from_cents('merged.engagement_cents') }} as engagement_change
    from merged
    cross join model_counts
    -- a moment whose changes net to 0 (e.g. a capped group already full) changes no score
    where merged.fit_cents <> 0 or merged.engagement_cents <> 0

)

select * from final
