with

scores as (

    select * from {{ ref('int_lead_scores_computed') }}

),

contacts as (

    select
        contact_id,
        is_excluded,
        created_at
    from {{ ref('dim_contacts') }}

),

scoring_models as (

    select * from {{ ref('stg_config__scoring_models') }}

),

stage_history as (

    select * from {{ ref('fct_lifecycle_stage_history') }}

),

config_version as (

    select config_version from {{ ref('int_scoring_config_versioned') }}

),

-- the lifecycle belongs to the contact; it is shown on the lifecycle model's rows (SPEC 5)
lifecycle as (

    select
        contact_id,
        max(case when exited_at is null then stage end) as lifecycle_stage,
        min(case when stage = 'lead' then entered_at end) as became_lead_at,
        min(case when stage = 'mql' then entered_at end) as became_mql_at,
        min(case when stage = 'sql' then entered_at end) as became_sql_at,
        max(case when stage = 'mql' then entered_at end) as latest_mql_at,
        max(case when stage = 'sql' then entered_at end) as latest_sql_at,
        min(case when stage = 'opportunity' then entered_at end) as became_opportunity_at,
        min(case when stage = 'customer' then entered_at end) as became_customer_at
    from stage_history
    group by 1

),

final as (

    select
        scores.contact_id,
        scores.model_id,
        {{ as_of_timestamp() }} as scored_at,
        scores.fit_score,
        scores.engagement_score,
        scores.inactivity_penalty,
        scores.adjustment_points,
        scores.total_score,
        scores.grade,
        cast(
            round(100 * percent_rank() over (partition by scores.model_id order by scores.total_score), 2)
            as decimal(5, 2)
        ) as score_percentile,
        scores.last_activity_at,
        -- from as_of: the stored scores of contacts a run did not recompute keep an older count
        {{ age_in_days('coalesce(scores.last_activity_at, contacts.created_at)', as_of_timestamp()) }}
            as days_inactive,
        lifecycle.lifecycle_stage,
        lifecycle.became_lead_at,
        lifecycle.became_mql_at,
        lifecycle.became_sql_at,
        lifecycle.latest_mql_at,
        lifecycle.latest_sql_at,
        lifecycle.became_opportunity_at,
        lifecycle.became_customer_at,
        contacts.is_excluded,
        scores.engagement_raw,
        scores.fit_band,
        scores.engagement_band,
        config_version.config_version
    from scores
    inner join contacts
        on scores.contact_id = contacts.contact_id
    inner join scoring_models
        on scores.model_id = scoring_models.model_id
    left join lifecycle
        on scores.contact_id = lifecycle.contact_id
        and scoring_models.is_lifecycle_model
    cross join config_version

)

select * from final
