with

source as (

    select * from {{ source('crm', 'sales_feedback') }}

),

typed as (

    select
        {{ clean_text('feedback_id') }} as feedback_id,
        {{ clean_text('contact_id') }} as contact_id,
        {{ normalize_text('feedback') }} as feedback,
        {{ clean_text('reason') }} as reason,
        {{ clean_text('rep_id') }} as rep_id,
        {{ clean_text('created_at') }} as created_at_raw,
        {{ parse_utc_timestamp(clean_text('created_at')) }} as created_at
    from source

),

classified as (

    select
        *,
        case
            when feedback_id is null then 'missing_required_value: feedback_id'
            when contact_id is null then 'missing_required_value: contact_id'
            when feedback is null then 'missing_required_value: feedback'
            when created_at_raw is null then 'missing_required_value: created_at'
            when created_at is null then 'unparseable_timestamp: created_at'
            when created_at > {{ dbt.dateadd('day', 1, load_timestamp()) }}
                then 'future_timestamp: created_at'
        end as row_problem
    from typed

),

final as (

    select
        feedback_id,
        contact_id,
        feedback,
        reason,
        rep_id,
        created_at_raw,
        created_at,
        row_problem
    from classified

)

select * from final
