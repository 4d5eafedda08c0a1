{{ config(materialized='table') }}

{#- What became of each contact, the evidence the tuning reports judge scores by. A contact
    converted when it reached var('conversion_stage') within var('conversion_window_days') of its
    created_at; it is judged (is_evaluated) once that window has passed by as_of, unless excluded.
    Its score is judged up to the end of the window or the conversion, whichever came first: the
    peak score of the lifecycle model by then (score moments, not end-of-day), with the fit,
    engagement and grade of that moment. One row per contact. -#}

{%- set window_days = var('conversion_window_days', 90) | int %}

with

contacts as (

    select * from {{ ref('dim_contacts') }}

),

scores as (

    select * from {{ ref('fct_lead_scores') }}

),

scoring_models as (

    select * from {{ ref('stg_config__scoring_models') }}
    where is_lifecycle_model

),

timeline as (

    select * from {{ ref('int_lead_score_timeline') }}

),

score_grades as (

    select * from {{ ref('stg_config__score_grades') }}

),

lifecycle_scores as (

    select scores.*
    from scores
    inner join scoring_models
        on scores.model_id = scoring_models.model_id

),

outcomes as (

    select
        contacts.contact_id,
        lifecycle_scores.model_id,
        contacts.created_at,
        cast({{ dbt.date_trunc('month', 'contacts.created_at') }} as date) as cohort_month,
        coalesce(contacts.lead_source, 'unknown') as lead_source,
        contacts.is_excluded,
        lifecycle_scores.lifecycle_stage,
        lifecycle_scores.became_lead_at,
        lifecycle_scores.became_mql_at,
        lifecycle_scores.became_sql_at,
        lifecycle_scores.became_opportunity_at,
        lifecycle_scores.became_customer_at,
        lifecycle_scores.became_{{ conversion_stage() }}_at as converted_at,
        {{ dbt.dateadd('day', window_days, 'contacts.created_at') }} as window_ends_at,
        lifecycle_scores.total_score as current_score
    from contacts
    inner join lifecycle_scores
        on contacts.contact_id = lifecycle_scores.contact_id

),

judged as (

    select
        *,
        converted_at is not null and converted_at <= window_ends_at as is_converted,
        window_ends_at <= {{ as_of_timestamp() }} and not is_excluded as is_evaluated,
        case
            when converted_at is not null and converted_at <= window_ends_at then converted_at
            when window_ends_at > {{ as_of_timestamp() }} then {{ as_of_timestamp() }}
            else window_ends_at
        end as judged_until
    from outcomes

),

-- the highest score up to judged_until; ties: the earliest moment
peaks as (

    select
        judged.contact_id,
        timeline.total_score as peak_score,
        timeline.changed_at as peak_score_at,
        timeline.fit_score as fit_score_at_peak,
        timeline.engagement_score as engagement_score_at_peak,
        -- score_key: one integer per contact of the model (a faster sort than contact_id)
        row_number() over (
            partition by timeline.score_key order by timeline.total_score desc, timeline.changed_at asc
        ) as peak_rank
    from judged
    inner join timeline
        on judged.contact_id = timeline.contact_id
        and judged.model_id = timeline.model_id
        and judged.judged_until >= timeline.changed_at

),

final as (

    select
        judged.contact_id,
        judged.model_id,
        judged.created_at,
        judged.cohort_month,
        judged.lead_source,
        judged.is_excluded,
        judged.is_evaluated,
        judged.is_converted,
        judged.converted_at,
        judged.judged_until,
        coalesce(peaks.peak_score, 0) as peak_score,
        peaks.peak_score_at,
        peaks.fit_score_at_peak,
        peaks.engagement_score_at_peak,
        fit_bands.band || engagement_bands.band as grade_at_peak,
        judged.current_score,
        judged.lifecycle_stage,
        judged.became_lead_at,
        judged.became_mql_at,
        judged.became_sql_at,
        judged.became_opportunity_at,
        judged.became_customer_at
    from judged
    left join peaks
        on judged.contact_id = peaks.contact_id
        and peaks.peak_rank = 1
    left join score_grades as fit_bands
        on judged.model_id = fit_bands.model_id
        and fit_bands.dimension = 'fit'
        and {{ score_in_band('fit_bands', 'peaks.fit_score_at_peak') }}
    left join score_grades as engagement_bands
        on judged.model_id = engagement_bands.model_id
        and engagement_bands.dimension = 'engagement'
        and {{ score_in_band('engagement_bands', 'peaks.engagement_score_at_peak') }}

)

select * from final
