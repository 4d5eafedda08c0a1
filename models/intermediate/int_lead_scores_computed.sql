{{ config(
    materialized='incremental',
    incremental_strategy='replace_contacts',
    on_schema_change='fail',
) }}

{#- The SPEC 4 score of every contact that exists at as_of under every scoring model, with each
    step kept (raw engagement, inactivity, adjustments, clamp) so the breakdown can show them.
    One row per contact and model. -#}

-- incremental runs recompute only the contacts of int_contacts_to_score
-- depends_on: {{ ref('int_contacts_to_score') }}

with

contacts as (

    select
        contact_id,
        created_at
    from {{ ref('int_contacts_accepted') }}
    where {{ is_contact_to_score() }}
        and created_at <= {{ as_of_timestamp() }}

),

scoring_models as (

    select * from {{ ref('stg_config__scoring_models') }}

),

group_points as (

    select * from {{ ref('int_group_points_capped') }}
    where {{ is_contact_to_score() }}

),

inactivity_steps as (

    select * from {{ ref('stg_config__scoring_inactivity') }}

),

last_activity as (

    select * from {{ ref('int_contacts_last_activity') }}
    where {{ is_contact_to_score() }}

),

feedback_points as (

    select * from {{ ref('int_contacts_feedback_points') }}
    where {{ is_contact_to_score() }}

),

score_grades as (

    select * from {{ ref('stg_config__score_grades') }}

),

group_totals as (

    select
        model_id,
        contact_id,
        sum(case when score_type = 'fit' then capped_points else 0 end) as fit_score,
        sum(case when score_type = 'engagement' then capped_points else 0 end) as engagement_raw
    from group_points
    group by 1, 2

),

contact_scores as (

    select
        scoring_models.model_id,
        contacts.contact_id,
        scoring_models.min_score,
        scoring_models.max_score,
        scoring_models.is_lifecycle_model,
        coalesce(group_totals.fit_score, 0) as fit_score,
        coalesce(group_totals.engagement_raw, 0) as engagement_raw,
        last_activity.last_activity_at,
        {{ age_in_days('coalesce(last_activity.last_activity_at, contacts.created_at)', as_of_timestamp()) }}
            as days_inactive,
        case
            when scoring_models.is_lifecycle_model then coalesce(feedback_points.adjustment_points, 0)
            else 0
        end as adjustment_points
    from contacts
    cross join scoring_models
    left join group_totals
        on scoring_models.model_id = group_totals.model_id
        and contacts.contact_id = group_totals.contact_id
    left join last_activity
        on contacts.contact_id = last_activity.contact_id
    left join feedback_points
        on contacts.contact_id = feedback_points.contact_id

),

inactivity_reached as (

    select
        contact_scores.model_id,
        contact_scores.contact_id,
        sum(inactivity_steps.penalty_points) as penalty_points,
        max(case when inactivity_steps.resets_engagement then 1 else 0 end) = 1 as is_reset,
        max(inactivity_steps.days_inactive) as step_reached_days
    from contact_scores
    inner join inactivity_steps
        on contact_scores.model_id = inactivity_steps.model_id
        and contact_scores.days_inactive >= inactivity_steps.days_inactive
    group by 1, 2

),

engagement_scored as (

    select
        contact_scores.*,
        inactivity_reached.step_reached_days as inactivity_step_days,
        coalesce(inactivity_reached.is_reset, false) as is_engagement_reset,
        -- inactivity never pushes engagement below zero, so returning leads can requalify
        case
            when inactivity_reached.is_reset then 0
            when inactivity_reached.penalty_points is null then contact_scores.engagement_raw
            when contact_scores.engagement_raw <= 0 then contact_scores.engagement_raw
            when inactivity_reached.penalty_points > contact_scores.engagement_raw then 0
            else contact_scores.engagement_raw - inactivity_reached.penalty_points
        end as engagement_score
    from contact_scores
    left join inactivity_reached
        on contact_scores.model_id = inactivity_reached.model_id
        and contact_scores.contact_id = inactivity_reached.contact_id

),

totals as (

    select
        *,
        engagement_raw - engagement_score as inactivity_penalty,
        fit_score + engagement_score + adjustment_points as unclamped_score,
        case
            when min_score is not null and fit_score + engagement_score + adjustment_points < min_score
                then min_score
            when max_score is not null and fit_score + engagement_score + adjustment_points > max_score
                then max_score
            else fit_score + engagement_score + adjustment_points
        end as total_score
    from engagement_scored

),

final as (

    select
        totals.model_id,
        totals.contact_id,
        cast(totals.fit_score as decimal(18, 2)) as fit_score,
        cast(totals.engagement_raw as decimal(18, 2)) as engagement_raw,
        cast(totals.engagement_score as decimal(18, 2)) as engagement_score,
        cast(totals.inactivity_penalty as decimal(18, 2)) as inactivity_penalty,
        totals.inactivity_step_days,
        totals.is_engagement_reset,
        cast(totals.adjustment_points as decimal(18, 2)) as adjustment_points,
        cast(totals.total_score - totals.unclamped_score as decimal(18, 2)) as clamp_adjustment,
        cast(totals.total_score as decimal(18, 2)) as total_score,
        fit_bands.band as fit_band,
        engagement_bands.band as engagement_band,
        fit_bands.band || engagement_bands.band as grade,
        -- days_inactive is left to fct_lead_scores: it grows every day, and a stored score must
        -- stay valid until the contact's next change
        totals.last_activity_at
    from totals
    left join score_grades as fit_bands
        on totals.model_id = fit_bands.model_id
        and fit_bands.dimension = 'fit'
        and {{ score_in_band('fit_bands', 'totals.fit_score') }}
    left join score_grades as engagement_bands
        on totals.model_id = engagement_bands.model_id
        and engagement_bands.dimension = 'engagement'
        and {{ score_in_band('engagement_bands', 'totals.engagement_score') }}

)

select * from final
