with

source as (

    select * from {{ source('events', 'events') }}

),

typed as (

    select
        {{ clean_text('event_id') }} as event_id,
        {{ clean_text('contact_id') }} as contact_id_raw,
        {{ normalize_text('email') }} as email,
        {{ clean_text('first_name') }} as first_name,
        {{ clean_text('last_name') }} as last_name,
        {{ clean_text('company_name') }} as company_name,
        {{ normalize_text('event_type') }} as event_type,
        {{ clean_text('occurred_at') }} as occurred_at_raw,
        {{ parse_utc_timestamp(clean_text('occurred_at')) }} as occurred_at,
        {{ clean_text('url') }} as url,
        {{ clean_text('form_id') }} as form_id,
        {{ clean_text('campaign_id') }} as campaign_id,
        {{ clean_text('content_id') }} as content_id,
        {{ clean_text('session_id') }} as session_id,
        {{ normalize_text('source_system') }} as source_system,
        {{ clean_text('properties') }} as properties,
        -- the raw row as it reads (uncleaned): kept in the event store, so a later run notices an
        -- old event edited in place (int_scoring_run)
        {{ row_fingerprint('source') }} as raw_row_fingerprint
    from source

),

classified as (

    select
        *,
        case
            when event_id is null then 'missing_required_value: event_id'
            when event_type is null then 'missing_required_value: event_type'
            when occurred_at_raw is null then 'missing_required_value: occurred_at'
            when occurred_at is null then 'unparseable_timestamp: occurred_at'
            when occurred_at > {{ dbt.dateadd('day', 1, load_timestamp()) }}
                then 'future_timestamp: occurred_at'
        end as row_problem
    from typed

),

final as (

    select
        event_id,
        contact_id_raw,
        email,
        first_name,
        last_name,
        company_name,
        case
            when first_name is not null and last_name is not null and company_name is not null
                then lower(first_name) || '|' || lower(last_name) || '|' || lower(company_name)
        end as name_key,
        event_type,
        occurred_at_raw,
        occurred_at,
        url,
        form_id,
        campaign_id,
        content_id,
        session_id,
        source_system,
        properties,
        raw_row_fingerprint,
        row_problem
    from classified

)

select * from final
