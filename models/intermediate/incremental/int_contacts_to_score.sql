{{ config(materialized='table') }}

{#- The contacts this run recomputes: every contact in a full build (or when int_scoring_run says
    recompute all). In an incremental run, a contact whose scores, stages or history can differ
    from the previous run's:
    - its inputs changed: contact row, custom properties, sales feedback or deals (fingerprint),
      or its events (a reloaded event added, removed, changed or resolved to another contact);
    - something of it starts to exist between the previous as_of and this one: the contact, an
      event, a feedback, a deal created or closed;
    - a scheduled change falls in that time: an event rule's decay step or stop (window_days,
      max_occurrences) or its match leaving window_days (required rules), an event leaving the
      window of an event_count rule, an inactivity step.
    The stored tables are read as the previous run left them. replaced_from: the start of the day
    of the contact's earliest changed input (a changed event's time, the previous as_of for what
    happens in the period), null when anything else changed (contact row, properties, feedback,
    deals) or the contact is new: time-stamped models keep its stored rows from before then
    (config replaced_from_column). One row per contact, with its contact_number. -#}

-- refs of the incremental branch:
-- depends_on: {{ ref('int_scoring_run') }}
-- depends_on: {{ ref('int_events_replaced') }}
-- depends_on: {{ ref('int_event_ids_to_reload') }}
-- depends_on: {{ ref('int_raw_events_reloaded') }}
-- depends_on: {{ ref('int_events_validated') }}
-- depends_on: {{ ref('int_sales_feedback_validated') }}
-- depends_on: {{ ref('int_deals_validated') }}
-- depends_on: {{ ref('stg_config__scoring_inactivity') }}
-- depends_on: {{ ref('stg_config__scoring_rules') }}

with

fingerprints as (

    select * from {{ ref('int_contact_fingerprints') }}

),

{% if recomputes_changes_only() -%}

this_run as (

    select * from {{ ref('int_scoring_run') }}

),

previous_fingerprints as (

    select * from {{ model_relation('int_contact_fingerprints_seen') }}

),

-- the stored events the event store replaced in this run, and what replaced them
replaced_events as (

    select * from {{ ref('int_events_replaced') }}

),

-- the stored events and spans are read where they are used, not through import CTEs: a CTE
-- read more than once is materialised whole by DuckDB (20M events with every column), while
-- each direct read scans only its columns and rows
reloaded_events as (

    select stored_events.*
    from {{ ref('int_events_validated') }} as stored_events
    where {{ is_stored_event_reloaded('stored_events') }}

),

last_activity as (

    select * from {{ model_relation('int_contacts_last_activity') }}

),

feedback as (

    select * from {{ ref('int_sales_feedback_validated') }}
    where reject_reason is null

),

deals as (

    select * from {{ ref('int_deals_validated') }}
    where reject_reason is null

),

inactivity_days as (

    select distinct days_inactive from {{ ref('stg_config__scoring_inactivity') }}

),

-- the event types whose events count for an event_count rule with a window ('*': every
-- is_activity type)
count_windows as (

    select distinct
        field,
        window_days
    from {{ ref('stg_config__scoring_rules') }}
    where kind = 'event_count'
        and window_days is not null

),

-- the previous as_of (exclusive) to this one (inclusive)
period as (

    select
        previous_as_of as starts_after,
        as_of as ends_at
    from this_run

),

inputs_changed as (

    select
        coalesce(fingerprints.contact_id, previous_fingerprints.contact_id) as contact_id,
        cast(null as {{ dbt.type_timestamp() }}) as changed_from
    from fingerprints
    full outer join previous_fingerprints
        on fingerprints.contact_id = previous_fingerprints.contact_id
    where fingerprints.fingerprint is distinct from previous_fingerprints.fingerprint

),

-- accepted events only (scores never read rejected ones), by the columns scoring reads
{%- set scored_event_columns = [
    'event_id', 'contact_id', 'contact_number', 'match_method', 'event_type', 'channel',
    'is_activity', 'is_conversion', 'occurred_at', 'url', 'form_id', 'campaign_id', 'content_id',
    'source_system', 'properties',
] | join(', ') %}
events_changed as (

    select
        contact_id,
        min(occurred_at) as changed_from
    from (
        select contact_id, occurred_at from (
            select {{ scored_event_columns }} from replaced_events where reject_reason is null
            except all
            select {{ scored_event_columns }} from reloaded_events where reject_reason is null
        ) as removed

        union all

        select contact_id, occurred_at from (
            select {{ scored_event_columns }} from reloaded_events where reject_reason is null
            except all
            select {{ scored_event_columns }} from replaced_events where reject_reason is null
        ) as added
    ) as changed_events
    group by contact_id

),

-- a new contact has no stored rows to keep (rows before created_at are kept too)
new_contacts as (

    select
        fingerprints.contact_id,
        cast(null as {{ dbt.type_timestamp() }}) as changed_from
    from fingerprints
    cross join period
    where {{ is_in_scoring_period('fingerprints.created_at') }}

),

started_to_exist as (

    select stored_events.contact_id
    from {{ ref('int_events_validated') }} as stored_events
    cross join period
    where stored_events.reject_reason is null
        and {{ is_in_scoring_period('stored_events.occurred_at') }}

    union

    select feedback.contact_id
    from feedback
    cross join period
    where {{ is_in_scoring_period('feedback.created_at') }}

    union

    select deals.contact_id
    from deals
    cross join period
    where {{ is_in_scoring_period('deals.created_at') }}
        or {{ is_in_scoring_period('deals.closed_at') }}

),

-- the stored spans are keyed by contact_number
scheduled_span_changes as (

    select stored_spans.contact_number
    from {{ model_relation('int_event_rule_spans') }} as stored_spans
    cross join period
    -- a match pushed out by max_occurrences stops counting earlier, but a required rule
    -- (int_score_changes_merged) stops matching when it leaves the window
    where {{ is_in_scoring_period('stored_spans.stops_counting_at') }}
        or {{ is_in_scoring_period('stored_spans.leaves_window_at') }}

    union

    -- decay step k (1 to ceil(100 / decay_percent), at most 999 like the timeline's steps)
    -- happens k * decay_period_days whole days after occurred_at, so the steps reached by a time t
    -- are floor(age in days at t / period): one falls in the period when the first step after
    -- starts_after is reached by ends_at
    select decaying_spans.contact_number
    from (
        select
            stored_spans.contact_number,
            least(ceil(100.0 / stored_spans.decay_percent), 999) as last_step,
            floor({{ age_in_days('stored_spans.occurred_at', 'period.ends_at') }} * 1.0
                / stored_spans.decay_period_days) as steps_reached_at_end,
            greatest(1, floor({{ age_in_days('stored_spans.occurred_at', 'period.starts_after') }} * 1.0
                / stored_spans.decay_period_days) + 1) as first_step_after_start
        from {{ model_relation('int_event_rule_spans') }} as stored_spans
        cross join period
        where period.starts_after is not null
            and stored_spans.decay_percent > 0
            and stored_spans.decay_period_days > 0
            -- still counting at the previous as_of (a stopped event decays no more)
            and (stored_spans.stops_counting_at is null or stored_spans.stops_counting_at > period.starts_after)
    ) as decaying_spans
    where decaying_spans.first_step_after_start <= decaying_spans.steps_reached_at_end
        and decaying_spans.first_step_after_start <= decaying_spans.last_step

),

scheduled_changes as (

    select contact_numbers.contact_id
    from scheduled_span_changes
    inner join {{ ref('int_contact_numbers') }} as contact_numbers
        on scheduled_span_changes.contact_number = contact_numbers.contact_number

    union

    select stored_events.contact_id
    from {{ ref('int_events_validated') }} as stored_events
    inner join count_windows
        on stored_events.event_type = count_windows.field
        or (count_windows.field = '*' and stored_events.is_activity)
    cross join period
    where stored_events.reject_reason is null
        and {{ is_in_scoring_period('stored_events.occurred_at', 'count_windows.window_days') }}

    union

    select fingerprints.contact_id
    from fingerprints
    left join last_activity
        on fingerprints.contact_id = last_activity.contact_id
    cross join inactivity_days
    cross join period
    where {{ is_in_scoring_period(
        'coalesce(last_activity.last_activity_at, fingerprints.created_at)', 'inactivity_days.days_inactive'
    ) }}

),

changes as (

    select * from inputs_changed
    union all
    select * from events_changed
    union all
    select * from new_contacts
    union all
    -- what starts to exist or is scheduled in the period happens after the previous as_of
    select
        in_period.contact_id,
        period.starts_after as changed_from
    from (
        select contact_id from started_to_exist
        union
        select contact_id from scheduled_changes
    ) as in_period
    cross join period

),

-- null (everything changed) wins over any time
changed_contacts as (

    select
        contact_id,
        case
            when {{ dbt.bool_or('changed_from is null') }} then cast(null as {{ dbt.type_timestamp() }})
            else {{ dbt.date_trunc('day', 'min(changed_from)') }}
        end as replaced_from
    from changes
    group by contact_id

),

{% endif -%}

to_score as (

    {% if recomputes_changes_only() -%}
        select
            contact_id,
            replaced_from
        from changed_contacts
    {%- else -%}
        select
            contact_id,
            cast(null as {{ dbt.type_timestamp() }}) as replaced_from
        from fingerprints
    {%- endif %}

),

final as (

    select
        to_score.contact_id,
        contact_numbers.contact_number,
        to_score.replaced_from
    from to_score
    left join {{ ref('int_contact_numbers') }} as contact_numbers
        on to_score.contact_id = contact_numbers.contact_id
    where to_score.contact_id is not null

)

select * from final
