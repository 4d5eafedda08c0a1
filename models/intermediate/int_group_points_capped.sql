{{ config(
    materialized='incremental',
    incremental_strategy='replace_contacts',
    on_schema_change='fail',
) }}

{#- Group totals (SPEC 4): the sum of a group's rule points, capped at max_points when set.
    One row per model, contact and group with at least one matched rule. -#}

-- incremental runs recompute only the contacts of int_contacts_to_score
-- depends_on: {{ ref('int_contacts_to_score') }}

with

rule_points as (

    select * from {{ ref('int_rule_points') }}

),

scoring_groups as (

    select * from {{ ref('stg_config__scoring_groups') }}

),

group_sums as (

    select
        model_id,
        contact_id,
        group_id,
        score_type,
        sum(points) as raw_points
    from rule_points
    group by 1, 2, 3, 4

),

final as (

    select
        group_sums.model_id,
        group_sums.contact_id,
        group_sums.group_id,
        group_sums.score_type,
        group_sums.raw_points,
        scoring_groups.max_points,
        case
            when scoring_groups.max_points is not null and group_sums.raw_points > scoring_groups.max_points
                then scoring_groups.max_points
            else group_sums.raw_points
        end as capped_points
    from group_sums
    inner join scoring_groups
        on group_sums.model_id = scoring_groups.model_id
        and group_sums.group_id = scoring_groups.group_id

)

select * from final
