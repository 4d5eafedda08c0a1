{{ config(materialized='table') }}

{#- Every raw event with its resolved contact (SPEC 2 identity resolution) and, for rejected
    rows, the reason. Scoring reads the accepted rows (reject_reason is null). -#}

with

events as (

    select * from {{ ref('stg_events__events') }}

),

event_types as (

    select * from {{ ref('stg_config__event_types') }}

),

contacts as (

    select
        contact_id,
        email,
        name_key,
        created_at
    from {{ ref('int_contacts_accepted') }}

),

-- several contacts may share an email: the earliest created wins
contacts_by_email as (

    select
        email,
        contact_id
    from (
        select
            email,
            contact_id,
            row_number() over (partition by email order by created_at, contact_id) as email_rank
        from contacts
        where email is not null
    ) as ranked
    where email_rank = 1

),

-- a name + company match counts only when exactly one contact has it
contacts_by_name as (

    select
        name_key,
        min(contact_id) as contact_id
    from contacts
    where name_key is not null
    group by 1
    having count(*) = 1

),

resolved as (

    select
        events.*,
        event_types.channel,
        event_types.is_activity,
        event_types.is_conversion,
        event_types.event_type is not null as is_known_event_type,
        case
            when known_contacts.contact_id is not null then known_contacts.contact_id
            when contacts_by_email.contact_id is not null then contacts_by_email.contact_id
            else contacts_by_name.contact_id
        end as contact_id,
        case
            when known_contacts.contact_id is not null then 'contact_id'
            when contacts_by_email.contact_id is not null then 'email'
            when contacts_by_name.contact_id is not null then 'name_and_company'
        end as match_method
    from events
    left join event_types
        on events.event_type = event_types.event_type
    left join contacts as known_contacts
        on events.contact_id_raw = known_contacts.contact_id
    left join contacts_by_email
        on events.email = contacts_by_email.email
    left join contacts_by_name
        on events.name_key = contacts_by_name.name_key

),

classified as (

    select
        *,
        case
            when row_problem is not null then row_problem
            when not is_known_event_type then 'unknown_event_type: event_type'
            when contact_id is null then 'unmatched_contact: no contact_id, email or name + company match'
        end as problem
    from resolved

),

-- the kept copy of a duplicated id: a fully valid row first, then the earliest occurrence
deduplicated as (

    select
        *,
        row_number() over (
            partition by event_id
            order by
                case when problem is null then 0 else 1 end,
                occurred_at asc nulls last,
                event_type asc,
                contact_id_raw asc,
                email asc,
                url asc
        ) as copy_number
    from classified

),

final as (

    select
        event_id,
        contact_id,
        match_method,
        event_type,
        channel,
        coalesce(is_activity, false) as is_activity,
        coalesce(is_conversion, false) as is_conversion,
        occurred_at,
        url,
        form_id,
        campaign_id,
        content_id,
        session_id,
        source_system,
        properties,
        contact_id_raw,
        email,
        first_name,
        last_name,
        company_name,
        occurred_at_raw,
        case
            when problem is not null then problem
            when event_id is not null and copy_number > 1 then 'duplicate_id: event_id'
        end as reject_reason
    from deduplicated

)

select * from final
