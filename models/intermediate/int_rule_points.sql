{{ config(materialized='view') }}

{#- Points of every matched rule, all rule kinds together, with the rule's group, score type and
    a readable reason. A view: the group totals read only the numbers, the breakdown builds the
    reason text once. One row per model, contact and matched rule. -#}

-- incremental runs recompute only the contacts of int_contacts_to_score
-- depends_on: {{ ref('int_contacts_to_score') }}

with

property_matches as (

    select * from {{ ref('int_rule_points_from_properties') }}
    where {{ is_contact_to_score() }}

),

event_rule_points as (

    select * from {{ ref('int_rule_points_from_events') }}
    where {{ is_contact_to_score() }}

),

event_count_rule_points as (

    select * from {{ ref('int_rule_points_from_event_counts') }}
    where {{ is_contact_to_score() }}

),

rules as (

    select * from {{ ref('stg_config__scoring_rules') }}

),

scoring_groups as (

    select * from {{ ref('stg_config__scoring_groups') }}

),

rule_points as (

    select
        property_matches.model_id,
        property_matches.contact_id,
        property_matches.rule_id,
        1 as matched_events,
        rules.points,
        rules.field || ' '
        || case
            when property_matches.attribute_value is null then 'is not set'
            else '= ''' || property_matches.attribute_value || ''' ' || rules.operator
                || coalesce(' ''' || rules.value_text || '''', '')
        end as reason
    from property_matches
    inner join rules
        on property_matches.model_id = rules.model_id
        and property_matches.rule_id = rules.rule_id

    union all

    select
        event_rule_points.model_id,
        event_rule_points.contact_id,
        event_rule_points.rule_id,
        event_rule_points.matched_events,
        event_rule_points.points,
        cast(event_rule_points.counted_events as {{ dbt.type_string() }}) || ' of '
        || cast(event_rule_points.matched_events as {{ dbt.type_string() }}) || ' '
        || {{ event_rule_description('rules') }} || ' counted'
        || case when event_rule_points.is_decayed then ', decayed by age' else '' end
        || ', latest ' || cast(cast(event_rule_points.last_event_at as date) as {{ dbt.type_string() }})
            as reason
    from event_rule_points
    inner join rules
        on event_rule_points.model_id = rules.model_id
        and event_rule_points.rule_id = rules.rule_id

    union all

    select
        event_count_rule_points.model_id,
        event_count_rule_points.contact_id,
        event_count_rule_points.rule_id,
        event_count_rule_points.matched_events,
        event_count_rule_points.points,
        rules.aggregate || ' of ' || {{ event_rule_description('rules') }} || ' = '
        || cast(event_count_rule_points.aggregate_value as {{ dbt.type_string() }})
        || ' (' || rules.operator || coalesce(' ' || rules.value_text, '') || ')' as reason
    from event_count_rule_points
    inner join rules
        on event_count_rule_points.model_id = rules.model_id
        and event_count_rule_points.rule_id = rules.rule_id

),

final as (

    select
        rule_points.model_id,
        rule_points.contact_id,
        rule_points.rule_id,
        rules.group_id,
        scoring_groups.score_type,
        cast(rule_points.matched_events as integer) as matched_events,
        cast(rule_points.points as decimal(18, 2)) as points,
        rule_points.reason
    from rule_points
    inner join rules
        on rule_points.model_id = rules.model_id
        and rule_points.rule_id = rules.rule_id
    inner join scoring_groups
        on rules.model_id = scoring_groups.model_id
        and rules.group_id = scoring_groups.group_id

)

select * from final
