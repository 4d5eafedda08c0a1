{{ config(materialized='table') }}

{#- Points of every matched rule, all rule kinds together, with the rule's group and score type.
    One row per model, contact and matched rule. -#}

with

property_rule_points as (

    select * from {{ ref('int_rule_points_from_properties') }}

),

event_rule_points as (

    select * from {{ ref('int_rule_points_from_events') }}

),

scoring_groups as (

    select * from {{ ref('stg_config__scoring_groups') }}

),

all_rule_points as (

    select * from property_rule_points
    union all
    select * from event_rule_points

),

final as (

    select
        all_rule_points.model_id,
        all_rule_points.contact_id,
        all_rule_points.rule_id,
        all_rule_points.group_id,
        scoring_groups.score_type,
        all_rule_points.matched_events,
        cast(all_rule_points.points as decimal(18, 2)) as points,
        all_rule_points.reason
    from all_rule_points
    inner join scoring_groups
        on all_rule_points.model_id = scoring_groups.model_id
        and all_rule_points.group_id = scoring_groups.group_id

)

select * from final
