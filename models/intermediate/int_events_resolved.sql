{{ config(materialized='view') }}

{#- Every raw event with its catalog attributes, the contact it resolves to (SPEC 2 identity
    resolution), the problem that rejects it, if any, before duplicates are resolved, and whether
    its id is duplicated (int_event_ids_duplicated). A view: int_events_to_load reads it once for
    unique ids and once for duplicated ones; the flag is set before the contact joins, so a filter
    on it reaches the raw rows and the second read resolves only the duplicated ids' copies. An
    incremental run resolves only the raw events it reloads (int_raw_events_reloaded). -#}

-- depends_on: {{ ref('int_raw_events_reloaded') }}

with

raw_events as (

    {%- if recomputes_changes_only() %}
        -- an incremental run loads every copy of the event ids it reloads
        select * from {{ ref('int_raw_events_reloaded') }}
    {%- else %}
        select * from {{ ref('stg_events__events') }}
    {%- endif %}

),

duplicated_ids as (

    select * from {{ ref('int_event_ids_duplicated') }}

),

events as (

    select
        raw_events.*,
        duplicated_ids.event_id is not null as is_duplicated_id
    from raw_events
    left join duplicated_ids
        on raw_events.event_id = duplicated_ids.event_id

),

event_types as (

    select * from {{ ref('stg_config__event_types') }}

),

contacts as (

    select
        contact_id,
        contact_number,
        email,
        name_key,
        created_at
    from {{ ref('int_contacts_accepted') }}

),

-- several contacts may share an email: the earliest created wins
contacts_by_email as (

    select
        email,
        contact_id,
        contact_number
    from (
        select
            email,
            contact_id,
            contact_number,
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
        min(contact_id) as contact_id,
        min(contact_number) as contact_number
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
            when known_contacts.contact_id is not null then known_contacts.contact_number
            when contacts_by_email.contact_id is not null then contacts_by_email.contact_number
            else contacts_by_name.contact_number
        end as contact_number,
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

)

select * from classified
