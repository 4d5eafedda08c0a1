{{ config(
    materialized='incremental',
    incremental_strategy='replace_contacts',
    contact_key='contact_number',
    replaced_from_column='changed_at',
    on_schema_change='fail',
) }}

{#- Inactivity over time: after each is_activity event (or created_at, before the first one) the
    steps of scoring_inactivity are reached one by one (penalty and reset switch on at
    anchor + days_inactive) until the next activity switches them off again. Summing the changes up
    to any time T gives the penalty and reset of the steps reached at T. Rows before the contact
    existed are kept; the timeline moves them to created_at. Integer keys only (contact_number,
    score_key), like int_score_changes_capped. One row per model, contact and change. -#}

-- incremental runs recompute only the contacts of int_contacts_to_score
-- depends_on: {{ ref('int_contacts_to_score') }}

with

contacts as (

    select
        contact_number,
        created_at
    from {{ ref('int_contacts_accepted') }}
    where {{ is_contact_to_score('contact_number', 'contact_number') }}
        and created_at <= {{ as_of_timestamp() }}

),

inactivity_steps as (

    select
        inactivity.*,
        scoring_models.model_number,
        scoring_models.model_count
    from {{ ref('stg_config__scoring_inactivity') }} as inactivity
    inner join {{ ref('stg_config__scoring_models') }} as scoring_models
        on inactivity.model_id = scoring_models.model_id

),

-- equal times need no dedup: between them the gap is 0, which reaches no step
activity_times as (

    select
        contact_number,
        occurred_at as anchored_at
    from {{ ref('int_events_validated') }}
    where {{ is_contact_to_score('contact_number', 'contact_number') }}
        and reject_reason is null
        and is_activity
        and occurred_at <= {{ as_of_timestamp() }}

),

-- inactivity counts from the latest activity, or from created_at before the first one
anchors as (

    select
        activity_times.contact_number,
        activity_times.anchored_at,
        lead(activity_times.anchored_at) over (
            partition by activity_times.contact_number order by activity_times.anchored_at
        ) as next_activity_at
    from activity_times
    inner join contacts
        on activity_times.contact_number = contacts.contact_number

    union all

    select
        contacts.contact_number,
        contacts.created_at as anchored_at,
        min(activity_times.anchored_at) as next_activity_at
    from contacts
    left join activity_times
        on contacts.contact_number = activity_times.contact_number
    group by contacts.contact_number, contacts.created_at
    having min(activity_times.anchored_at) is null or min(activity_times.anchored_at) > contacts.created_at

),

-- only gaps at least as long as the shortest step can reach one
long_gaps as (

    select * from anchors
    where next_activity_at is null
        or {{ age_in_days('anchored_at', 'next_activity_at') }}
        >= (select min(days_inactive) from inactivity_steps)

),

steps_reached as (

    select
        long_gaps.contact_number,
        {{ score_key('long_gaps.contact_number', 'inactivity_steps') }} as score_key,
        long_gaps.anchored_at,
        long_gaps.next_activity_at,
        {{ dbt.dateadd('day', 'inactivity_steps.days_inactive', 'long_gaps.anchored_at') }} as changed_at,
        inactivity_steps.penalty_points,
        case when inactivity_steps.resets_engagement then 1 else 0 end as resets
    from long_gaps
    cross join inactivity_steps
    where {{ dbt.dateadd('day', 'inactivity_steps.days_inactive', 'long_gaps.anchored_at') }}
        <= {{ as_of_timestamp() }}
        and (
            long_gaps.next_activity_at is null
            or {{ dbt.dateadd('day', 'inactivity_steps.days_inactive', 'long_gaps.anchored_at') }}
            < long_gaps.next_activity_at
        )

),

-- the next activity switches off every step reached since the anchor
steps_cleared as (

    select
        contact_number,
        score_key,
        next_activity_at as changed_at,
        -sum(penalty_points) as penalty_points,
        -sum(resets) as resets
    from steps_reached
    where next_activity_at is not null
    group by contact_number, score_key, anchored_at, next_activity_at

),

final as (

    select
        contact_number,
        score_key,
        changed_at,
        cast(penalty_points as decimal(18, 2)) as penalty_change,
        cast(resets as integer) as reset_change
    from steps_reached

    union all

    select
        contact_number,
        score_key,
        changed_at,
        cast(penalty_points as decimal(18, 2)) as penalty_change,
        cast(resets as integer) as reset_change
    from steps_cleared

)

select * from final
