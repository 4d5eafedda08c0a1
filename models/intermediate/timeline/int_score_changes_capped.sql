{{ config(
    materialized='incremental',
    incremental_strategy='replace_contacts',
    on_schema_change='fail',
) }}

{#- Fit and raw engagement over time: the point changes of every rule kind (property rules at
    created_at, event and event_count rules as they happen), moved to created_at when they happen
    before the contact exists, summed per group and capped at the group's max_points at every
    change. Changes at one moment are capped one by one in any order: capping a running total
    telescopes, so they add up to the right total for that moment. One row per model, contact and
    change time (a net change of 0 is kept; the timeline drops it). -#}

-- incremental runs recompute only the contacts of int_contacts_to_score
-- depends_on: {{ ref('int_contacts_to_score') }}

with

contacts as (

    select
        contact_id,
        contact_number,
        created_at
    from {{ ref('int_contacts_accepted') }}
    where {{ is_contact_to_score() }}
        and created_at <= {{ as_of_timestamp() }}

),

-- group_key = contact_number * groups + group_number: one integer per contact and group, for the
-- running group totals' window
scoring_groups as (

    select
        *,
        row_number() over (order by model_id, group_id) - 1 as group_number,
        count(*) over () as group_count
    from {{ ref('stg_config__scoring_groups') }}

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

rule_changes as (

    select
        property_matches.model_id,
        property_matches.contact_id,
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
        contact_id,
        group_id,
        changed_at,
        points_change
    from event_rule_changes

    union all

    select
        model_id,
        contact_id,
        group_id,
        changed_at,
        points_change
    from event_count_rule_changes

),

group_changes as (

    select
        rule_changes.model_id,
        rule_changes.contact_id,
        rule_changes.group_id,
        contacts.contact_number,
        case
            when rule_changes.changed_at < contacts.created_at then contacts.created_at
            else rule_changes.changed_at
        end as changed_at,
        rule_changes.points_change
    from rule_changes
    inner join contacts
        on rule_changes.contact_id = contacts.contact_id

),

-- a cap bites on the running group total: the capped change is cap(after) - cap(before)
capped_group_changes as (

    select
        group_changes.model_id,
        group_changes.contact_id,
        scoring_groups.score_type,
        group_changes.changed_at,
        group_changes.points_change
    from group_changes
    inner join scoring_groups
        on group_changes.model_id = scoring_groups.model_id
        and group_changes.group_id = scoring_groups.group_id
    where scoring_groups.max_points is null

    union all

    select
        model_id,
        contact_id,
        score_type,
        changed_at,
        case when running_points > max_points then max_points else running_points end
        - case
            when running_points - points_change > max_points then max_points
            else running_points - points_change
        end as points_change
    from (
        select
            group_changes.*,
            scoring_groups.score_type,
            scoring_groups.max_points,
            sum(group_changes.points_change) over (
                partition by group_changes.contact_number * scoring_groups.group_count + scoring_groups.group_number
                order by group_changes.changed_at
                rows between unbounded preceding and current row
            ) as running_points
        from group_changes
        inner join scoring_groups
            on group_changes.model_id = scoring_groups.model_id
            and group_changes.group_id = scoring_groups.group_id
        where scoring_groups.max_points is not null
    ) as capped_groups

),

final as (

    select
        model_id,
        contact_id,
        changed_at,
        sum(case when score_type = 'fit' then points_change else 0 end) as fit_change,
        sum(case when score_type = 'engagement' then points_change else 0 end) as engagement_change
    from capped_group_changes
    group by model_id, contact_id, changed_at

)

select * from final
