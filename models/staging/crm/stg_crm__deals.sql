with

source as (

    select * from {{ source('crm', 'deals') }}

),

typed as (

    select
        {{ clean_text('deal_id') }} as deal_id,
        {{ clean_text('contact_id') }} as contact_id,
        {{ normalize_text('stage') }} as stage,
        {{ clean_text('amount') }} as amount_raw,
        {{ try_cast(clean_text('amount'), 'decimal(18, 2)') }} as amount,
        {{ clean_text('created_at') }} as created_at_raw,
        {{ parse_utc_timestamp(clean_text('created_at')) }} as created_at,
        {{ clean_text('closed_at') }} as closed_at_raw,
        {{ parse_utc_timestamp(clean_text('closed_at')) }} as closed_at
    from source

),

classified as (

    select
        *,
        case
            when deal_id is null then 'missing_required_value: deal_id'
            when contact_id is null then 'missing_required_value: contact_id'
            when stage is null then 'missing_required_value: stage'
            when created_at_raw is null then 'missing_required_value: created_at'
            when stage not in ('open', 'closed_won', 'closed_lost') then 'invalid_value: stage'
            when created_at is null then 'unparseable_timestamp: created_at'
            when closed_at_raw is not null and closed_at is null
                then 'unparseable_timestamp: closed_at'
            when amount_raw is not null and amount is null then 'invalid_value: amount'
            when amount < 0 then 'negative_amount: amount'
            when created_at > {{ dbt.dateadd('day', 1, load_timestamp()) }}
                then 'future_timestamp: created_at'
            when closed_at > {{ dbt.dateadd('day', 1, load_timestamp()) }}
                then 'future_timestamp: closed_at'
            -- a deal cannot close before it exists: its opportunity and customer dates would be
            -- out of order (the customer entry first, no opportunity entry)
            when closed_at < created_at then 'invalid_value: closed_at (before created_at)'
        end as row_problem
    from typed

),

final as (

    select
        deal_id,
        contact_id,
        stage,
        amount_raw,
        amount,
        created_at_raw,
        created_at,
        closed_at_raw,
        closed_at,
        row_problem
    from classified

)

select * from final
