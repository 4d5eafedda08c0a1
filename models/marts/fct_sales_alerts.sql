{{ config(materialized='table') }}

{#- Sales alerts (SPEC 6): one per entry into mql or sql (re-enrolments included) and one per score
    spike. The alert id is a hash of the stage entry (contact, moment, cause, stage) or of the
    spike (contact, moment), so re-runs never duplicate an alert.
    Owner: the contact's owner, else the active sales reps in rep_id order, round-robin over the
    unowned contacts in order of their first alert (a contact keeps one rep). An alert is open until
    the contact moves to another stage or sales gives feedback after it. One row per alert. -#}

with

contacts as (

    select
        contact_id,
        owner_id
    from {{ ref('int_contacts_accepted') }}

),

stage_history as (

    select * from {{ ref('fct_lifecycle_stage_history') }}

),

spikes as (

    select * from {{ ref('int_score_spikes_detected') }}

),

alert_rules as (

    select * from {{ ref('stg_config__alert_rules') }}

),

active_reps as (

    select
        rep_id,
        row_number() over (order by rep_id) as rep_number,
        count(*) over () as active_reps
    from {{ ref('stg_config__sales_reps') }}
    where is_active

),

feedback as (

    select
        contact_id,
        max(created_at) as last_feedback_at
    from {{ ref('int_sales_feedback_validated') }}
    where reject_reason is null
        and created_at <= {{ as_of_timestamp() }}
    group by contact_id

),

config_version as (

    select config_version from {{ ref('int_scoring_config_versioned') }}

),

last_entries as (

    select
        contact_id,
        max(entered_at) as last_entered_at
    from stage_history
    group by contact_id

),

raised as (

    select
        {{ dbt.hash("'alert|' || stage_entry_id") }} as alert_id,
        contact_id,
        stage as alert_type,
        entered_at as triggered_at,
        total_score_at_entry as total_score_at_trigger,
        reason,
        exited_at is null as is_current_stage
    from stage_history
    where stage in ('mql', 'sql')

    union all

    select
        {{ dbt.hash(
            "'alert|' || contact_id || '|score_spike|' || cast(triggered_at as " ~ dbt.type_string() ~ ")"
        ) }} as alert_id,
        contact_id,
        'score_spike' as alert_type,
        triggered_at,
        total_score as total_score_at_trigger,
        'score rose from ' || cast(lowest_total_score as {{ dbt.type_string() }}) || ' to '
        || cast(total_score as {{ dbt.type_string() }}) as reason,
        true as is_current_stage
    from spikes

),

unowned_contacts as (

    select
        raised.contact_id,
        row_number() over (order by min(raised.triggered_at), raised.contact_id) as unowned_number
    from raised
    inner join contacts
        on raised.contact_id = contacts.contact_id
    where contacts.owner_id is null
    group by raised.contact_id

),

round_robin as (

    select
        unowned_contacts.contact_id,
        active_reps.rep_id
    from unowned_contacts
    inner join active_reps
        on mod(unowned_contacts.unowned_number - 1, active_reps.active_reps) + 1 = active_reps.rep_number

),

final as (

    select
        raised.alert_id,
        raised.contact_id,
        raised.alert_type,
        raised.triggered_at,
        coalesce(contacts.owner_id, round_robin.rep_id) as owner_id,
        case
            when contacts.owner_id is not null then 'contact_owner'
            when round_robin.rep_id is not null then 'round_robin'
        end as owner_source,
        {{ dbt.dateadd('hour', 'alert_rules.sla_hours', 'raised.triggered_at') }} as due_at,
        alert_rules.priority,
        alert_rules.action,
        raised.total_score_at_trigger,
        raised.reason,
        raised.is_current_stage
        and coalesce(feedback.last_feedback_at <= raised.triggered_at, true)
        and (raised.alert_type <> 'score_spike' or last_entries.last_entered_at <= raised.triggered_at)
            as is_open,
        config_version.config_version
    from raised
    inner join contacts
        on raised.contact_id = contacts.contact_id
    left join alert_rules
        on raised.alert_type = alert_rules.alert_type
    left join round_robin
        on raised.contact_id = round_robin.contact_id
    left join feedback
        on raised.contact_id = feedback.contact_id
    left join last_entries
        on raised.contact_id = last_entries.contact_id
    cross join config_version

)

select * from final
