with

scores as (

    select * from {{ ref('int_lead_scores_computed') }}

),

contacts as (

    select
        contact_id,
        is_excluded
    from {{ ref('dim_contacts') }}

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
        scores.days_inactive,
        -- lifecycle columns are filled by the lifecycle models (SPEC 5)
        cast(null as {{ dbt.type_string() }}) as lifecycle_stage,
        cast(null as {{ dbt.type_timestamp() }}) as became_lead_at,
        cast(null as {{ dbt.type_timestamp() }}) as became_mql_at,
        cast(null as {{ dbt.type_timestamp() }}) as became_sql_at,
        cast(null as {{ dbt.type_timestamp() }}) as latest_mql_at,
        cast(null as {{ dbt.type_timestamp() }}) as latest_sql_at,
        cast(null as {{ dbt.type_timestamp() }}) as became_opportunity_at,
        cast(null as {{ dbt.type_timestamp() }}) as became_customer_at,
        contacts.is_excluded,
        scores.engagement_raw,
        scores.fit_band,
        scores.engagement_band
    from scores
    inner join contacts
        on scores.contact_id = contacts.contact_id

)

select * from final
