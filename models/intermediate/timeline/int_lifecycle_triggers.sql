{{ config(
    materialized='incremental',
    incremental_strategy='replace_contacts',
    replaced_from_column='triggered_at',
    on_schema_change='fail',
) }}

{#- Everything that can move a contact between lifecycle stages (SPEC 5), in the order the state
    machine reads it: created_at, the first conversion event, the moments the lifecycle score
    qualifies for mql or sql, sales feedback, the first deal and the first won deal. Qualifying
    moments are kept sparse: when a qualification starts to hold, and the first qualifying moment
    after each feedback at which the score rises (a not_ready SQL re-enters sql there, even if the
    score never dipped; a fall, e.g. an inactivity step or a negative event, is not reaching it).
    A feedback's own moment decides sql by the feedback alone; its score can still cross mql,
    unless a feedback of that moment moves the contact elsewhere or blocks requalification.
    Each trigger carries the score at that moment. One row per contact and trigger. -#}

-- incremental runs recompute only the contacts of int_contacts_to_score
-- depends_on: {{ ref('int_contacts_to_score') }}

with

contacts as (

    select
        contact_id,
        contact_number,
        created_at,
        is_excluded
    from {{ ref('int_contacts_accepted') }}
    where {{ is_contact_to_score() }}
        and created_at <= {{ as_of_timestamp() }}

),

scoring_models as (

    select * from {{ ref('stg_config__scoring_models') }}
    where is_lifecycle_model

),

thresholds as (

    select
        model_id,
        max(case when stage = 'mql' then min_score end) as mql_min_score,
        max(case when stage = 'mql' then required_rule_id end) as mql_required_rule_id,
        max(case when stage = 'sql' then min_score end) as sql_min_score,
        max(case when stage = 'sql' then required_rule_id end) as sql_required_rule_id
    from {{ ref('stg_config__lifecycle_thresholds') }}
    group by model_id

),

timeline as (

    select timeline.*
    from {{ ref('int_lead_score_timeline') }} as timeline
    inner join scoring_models
        on timeline.model_id = scoring_models.model_id
    -- moments whose changes cancel out exist only by the order of equal timestamps: skip them
    where {{ is_contact_to_score('timeline.contact_id') }}
        and timeline.has_change

),

feedback_actions as (

    select * from {{ ref('stg_config__sales_feedback_actions') }}

),

-- excluded contacts never qualify by score. Integers, a score and flags only: the windows below
-- carry every column of 10M+ moments (names and thresholds are joined to the few triggers)
qualification as (

    select
        contacts.contact_number,
        -- one integer per contact of the lifecycle model: the windows below sort on it
        timeline.score_key,
        timeline.changed_at,
        timeline.total_score,
        timeline.feedback_count,
        coalesce(
            not contacts.is_excluded
            and timeline.total_score >= thresholds.mql_min_score
            and (thresholds.mql_required_rule_id is null or timeline.is_mql_rule_matched),
            false
        ) as is_mql_qualified,
        coalesce(
            not contacts.is_excluded
            and timeline.total_score >= thresholds.sql_min_score
            and (thresholds.sql_required_rule_id is null or timeline.is_sql_rule_matched),
            false
        ) as is_sql_qualified
    from timeline
    inner join contacts
        on timeline.contact_id = contacts.contact_id
    left join thresholds
        on timeline.model_id = thresholds.model_id

),

-- most contacts never reach a threshold: the windows below only read the moments of those who
-- do (read from the table: a second reader of qualification would materialise it whole)
qualifying_contacts as (

    select timeline.score_key
    from {{ ref('int_lead_score_timeline') }} as timeline
    inner join thresholds
        on timeline.model_id = thresholds.model_id
    where {{ is_contact_to_score('timeline.contact_id') }}
        and timeline.has_change
        and (timeline.total_score >= thresholds.mql_min_score or timeline.total_score >= thresholds.sql_min_score)
    group by timeline.score_key

),

-- one sort for the previous moment's state, a second one per feedback period
qualification_of_qualifying_contacts as (

    select
        qualification.*,
        qualification.feedback_count > coalesce(
            lag(qualification.feedback_count) over previous_moment, 0
        ) as is_feedback_moment,
        -- "reaches the threshold again" (SPEC 5) needs the score to go up at that moment
        coalesce(qualification.total_score > lag(qualification.total_score) over previous_moment, false)
            as is_score_rise,
        coalesce(lag(qualification.is_mql_qualified) over previous_moment, false) as was_mql_qualified,
        coalesce(lag(qualification.is_sql_qualified) over previous_moment, false) as was_sql_qualified
    from qualification
    inner join qualifying_contacts
        on qualification.score_key = qualifying_contacts.score_key
    window previous_moment as (partition by qualification.score_key order by qualification.changed_at)

),

-- the moments that can be triggers: a threshold crossed, or after a feedback a qualifying moment at
-- which the score rises (the first of these per feedback period is one, found below among these
-- few rows rather than all moments); at a feedback's moment, an mql crossing only
trigger_candidates as (

    select * from qualification_of_qualifying_contacts
    where (
        not is_feedback_moment
        and (
            (is_mql_qualified and not was_mql_qualified)
            or (is_sql_qualified and not was_sql_qualified)
            or (feedback_count > 0 and is_score_rise and (is_mql_qualified or is_sql_qualified))
        )
    )
    or (is_feedback_moment and is_mql_qualified and not was_mql_qualified)

),

qualification_changes as (

    select
        *,
        -- the first qualifying moment after each feedback at which the score rises (not the
        -- feedback's own moment, nor a deal, a conversion or a fall)
        min(case when is_mql_qualified and is_score_rise and not is_feedback_moment then changed_at end) over (
            partition by score_key, feedback_count
        ) as first_mql_qualified_since_feedback_at,
        min(case when is_sql_qualified and is_score_rise and not is_feedback_moment then changed_at end) over (
            partition by score_key, feedback_count
        ) as first_sql_qualified_since_feedback_at
    from trigger_candidates

),

score_triggers as (

    select
        contacts.contact_id,
        qualification_changes.changed_at as triggered_at,
        2 as trigger_order,
        'score' as trigger_type,
        cast(null as {{ dbt.type_string() }}) as trigger_id,
        cast(null as {{ dbt.type_string() }}) as detail,
        qualification_changes.is_mql_qualified,
        -- a feedback's moment is the feedback's for sql: not_ready given as events lift the score
        -- over sql is not an sql entry
        qualification_changes.is_sql_qualified and not qualification_changes.is_feedback_moment
            as is_sql_qualified,
        thresholds.mql_min_score,
        thresholds.mql_required_rule_id,
        thresholds.sql_min_score,
        thresholds.sql_required_rule_id,
        cast(null as integer) as to_stage_rank,
        cast(null as {{ dbt.type_string() }}) as to_stage,
        cast(null as boolean) as blocks_requalification,
        qualification_changes.total_score
    from qualification_changes
    inner join contacts
        on qualification_changes.contact_number = contacts.contact_number
    cross join scoring_models
    left join thresholds
        on scoring_models.model_id = thresholds.model_id
    where (qualification_changes.is_mql_qualified and not qualification_changes.was_mql_qualified)
        or (qualification_changes.is_sql_qualified and not qualification_changes.was_sql_qualified)
        or (
            qualification_changes.feedback_count > 0
            and qualification_changes.changed_at = qualification_changes.first_mql_qualified_since_feedback_at
        )
        or (
            qualification_changes.feedback_count > 0
            and qualification_changes.changed_at = qualification_changes.first_sql_qualified_since_feedback_at
        )

),

first_conversions as (

    select
        contact_id,
        occurred_at,
        event_type,
        event_id,
        row_number() over (partition by contact_id order by occurred_at, event_id) as conversion_number
    from {{ ref('int_events_validated') }}
    where {{ is_contact_to_score('contact_number', 'contact_number') }}
        and reject_reason is null
        and is_conversion
        and occurred_at <= {{ as_of_timestamp() }}

),

deals as (

    select * from {{ ref('int_deals_validated') }}
    where {{ is_contact_to_score() }}
        and reject_reason is null

),

first_deals as (

    select
        contact_id,
        deal_id,
        created_at,
        row_number() over (partition by contact_id order by created_at, deal_id) as deal_number
    from deals
    where created_at <= {{ as_of_timestamp() }}

),

first_won_deals as (

    select
        contact_id,
        deal_id,
        -- a won deal without a close date counts as won when it was created
        coalesce(closed_at, created_at) as closed_at,
        row_number() over (partition by contact_id order by coalesce(closed_at, created_at), deal_id) as won_number
    from deals
    where stage = 'closed_won'
        and coalesce(closed_at, created_at) <= {{ as_of_timestamp() }}

),

feedback as (

    select
        feedback.feedback_id,
        feedback.contact_id,
        feedback.created_at,
        feedback.feedback,
        feedback.reason,
        feedback_actions.to_stage,
        feedback_actions.blocks_requalification,
        {{ lifecycle_stage_rank('feedback_actions.to_stage') }} as to_stage_rank
    from {{ ref('int_sales_feedback_validated') }} as feedback
    inner join feedback_actions
        on feedback.feedback = feedback_actions.feedback
    where {{ is_contact_to_score('feedback.contact_id') }}
        and feedback.reject_reason is null
        and feedback.created_at <= {{ as_of_timestamp() }}

),

other_triggers as (

    select
        contact_id,
        created_at as triggered_at,
        0 as trigger_order,
        'created' as trigger_type,
        contact_id as trigger_id,
        cast(null as {{ dbt.type_string() }}) as detail
    from contacts

    union all

    select
        contact_id,
        occurred_at as triggered_at,
        1 as trigger_order,
        'conversion' as trigger_type,
        event_id as trigger_id,
        event_type as detail
    from first_conversions
    where conversion_number = 1

    union all

    select
        contact_id,
        created_at as triggered_at,
        3 as trigger_order,
        'feedback' as trigger_type,
        feedback_id as trigger_id,
        feedback || coalesce(': ' || reason, '') as detail
    from feedback

    union all

    select
        contact_id,
        created_at as triggered_at,
        4 as trigger_order,
        'deal_created' as trigger_type,
        deal_id as trigger_id,
        cast(null as {{ dbt.type_string() }}) as detail
    from first_deals
    where deal_number = 1

    union all

    select
        contact_id,
        closed_at as triggered_at,
        5 as trigger_order,
        'deal_won' as trigger_type,
        deal_id as trigger_id,
        cast(null as {{ dbt.type_string() }}) as detail
    from first_won_deals
    where won_number = 1

),

other_triggers_moved as (

    select
        other_triggers.contact_id,
        -- a trigger before the contact existed happens at created_at (as on the timeline)
        case
            when other_triggers.triggered_at < contacts.created_at then contacts.created_at
            else other_triggers.triggered_at
        end as triggered_at,
        other_triggers.trigger_order,
        other_triggers.trigger_type,
        other_triggers.trigger_id,
        other_triggers.detail,
        cast(null as boolean) as is_mql_qualified,
        cast(null as boolean) as is_sql_qualified,
        cast(null as decimal(18, 2)) as mql_min_score,
        cast(null as {{ dbt.type_string() }}) as mql_required_rule_id,
        cast(null as decimal(18, 2)) as sql_min_score,
        cast(null as {{ dbt.type_string() }}) as sql_required_rule_id,
        feedback.to_stage_rank,
        feedback.to_stage,
        feedback.blocks_requalification
    from other_triggers
    inner join contacts
        on other_triggers.contact_id = contacts.contact_id
    left join feedback
        on other_triggers.trigger_type = 'feedback'
        and other_triggers.trigger_id = feedback.feedback_id

),

-- the score at each other trigger: its moment on the timeline (the table is read again rather
-- than the timeline CTE, which two readers would materialise whole)
other_triggers_scored as (

    select
        other_triggers_moved.*,
        timeline.total_score
    from other_triggers_moved
    inner join {{ ref('int_lead_score_timeline') }} as timeline
        on other_triggers_moved.contact_id = timeline.contact_id
        and other_triggers_moved.triggered_at = timeline.changed_at
    inner join scoring_models
        on timeline.model_id = scoring_models.model_id
    where timeline.has_change

),

-- the moments whose feedback moves the contact to a stage other than mql or blocks
-- requalification: the feedback decides them, so their score is no entry (sales_ready whose own
-- points cross mql is an sql entry, not an mql one first; unqualified is no mql entry first)
feedback_decided_moments as (

    select distinct
        contact_id,
        triggered_at
    from other_triggers_moved
    where trigger_type = 'feedback'
        and (coalesce(blocks_requalification, false) or coalesce(to_stage_rank, 3) <> 3)

),

all_triggers as (

    select score_triggers.*
    from score_triggers
    left join feedback_decided_moments
        on score_triggers.contact_id = feedback_decided_moments.contact_id
        and score_triggers.triggered_at = feedback_decided_moments.triggered_at
    where feedback_decided_moments.contact_id is null

    union all

    select * from other_triggers_scored

),

final as (

    select
        all_triggers.contact_id,
        cast(row_number() over (
            partition by all_triggers.contact_id
            order by all_triggers.triggered_at, all_triggers.trigger_order, all_triggers.trigger_id
        ) as integer) as trigger_number,
        all_triggers.triggered_at,
        all_triggers.trigger_type,
        all_triggers.trigger_id,
        all_triggers.detail,
        all_triggers.total_score,
        all_triggers.is_mql_qualified,
        all_triggers.is_sql_qualified,
        all_triggers.mql_min_score,
        all_triggers.mql_required_rule_id,
        all_triggers.sql_min_score,
        all_triggers.sql_required_rule_id,
        all_triggers.to_stage,
        all_triggers.to_stage_rank,
        all_triggers.blocks_requalification
    from all_triggers

)

select * from final
