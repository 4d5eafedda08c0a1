{{ config(materialized='view') }}

{#- The raw events this run loads into int_events_validated, with their resolved contact and, for
    rejected rows, the reason (every raw event in a full build; in an incremental run, those
    int_events_resolved picks). Of a duplicated id a fully valid copy is kept
    first, then the earliest. Only the few duplicated ids are ranked: a window over all events
    would sort every row. The raw values scoring does not read (raw identity, session, timestamp
    text) are kept for rejected rows only, as one JSON text column (rejected_row_values).
    One row per raw event row loaded. -#}

-- int_events_resolved is referenced directly, not through an import CTE: a CTE read twice is
-- materialised whole by DuckDB, while two reads of the view stream (the second one resolves only
-- the few duplicated ids' copies: is_duplicated_id is set before its contact joins).

with

unique_events as (

    select
        resolved_events.*,
        1 as copy_number
    from {{ ref('int_events_resolved') }} as resolved_events
    where not resolved_events.is_duplicated_id

),

duplicated_events as (

    select
        resolved_events.*,
        row_number() over (
            partition by resolved_events.event_id
            order by
                case when resolved_events.problem is null then 0 else 1 end,
                resolved_events.occurred_at asc nulls last,
                resolved_events.event_type asc,
                resolved_events.contact_id_raw asc,
                resolved_events.email asc,
                resolved_events.url asc,
                -- the remaining columns, so copies that differ only there (e.g. the timestamp's
                -- text format) are ranked the same way on every build
                resolved_events.occurred_at_raw asc,
                resolved_events.session_id asc,
                resolved_events.form_id asc,
                resolved_events.campaign_id asc,
                resolved_events.content_id asc,
                resolved_events.source_system asc,
                resolved_events.properties asc,
                resolved_events.first_name asc,
                resolved_events.last_name asc,
                resolved_events.company_name asc
        ) as copy_number
    from {{ ref('int_events_resolved') }} as resolved_events
    where resolved_events.is_duplicated_id

),

all_events as (

    select * from unique_events
    union all
    select * from duplicated_events

),

classified as (

    select
        *,
        case
            when problem is not null then problem
            when copy_number > 1 then 'duplicate_id: event_id'
        end as reject_reason
    from all_events

),

final as (

    select
        event_id,
        contact_id,
        -- int_contacts_accepted.contact_number of the contact, for integer window keys
        contact_number,
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
        source_system,
        properties,
        -- the raw values only quarantine_events shows, in one column: seven mostly null columns
        -- cost more to write than one
        case
            when reject_reason is not null then {{ json_object_text(rejected_event_raw_columns()) }}
        end as rejected_row_values,
        raw_row_fingerprint,
        reject_reason
    from classified

)

select * from final
