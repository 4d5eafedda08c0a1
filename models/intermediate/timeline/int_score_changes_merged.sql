{{ config(materialized='view') }}

{#- Every change of a score's inputs in one stream (a view): capped fit and engagement changes,
    inactivity steps, sales-feedback points and counts, the required rules of mql / sql starting or
    stopping to match, and markers for the lifecycle triggers (created, first conversion, deals)
    that need a moment of their own. Changes before created_at happen at created_at. Not merged per
    moment here: a hash aggregate over tens of millions of wide rows does not fit in memory, the
    timeline's running sums need no merging. But no row is a no-op: each stream has at most one
    row per moment after created_at (capped and inactivity changes by construction, required-rule
    changes netted here) and every change row changes something, so the timeline tells a changed
    moment from its rows' flags. score_key is one integer per contact and model for the
    timeline's window (the only key it carries). One row per change. -#}

-- incremental runs recompute only the contacts of int_contacts_to_score
-- depends_on: {{ ref('int_contacts_to_score') }}

with

contacts as (

    select
        contact_id,
        contact_number,
        created_at
    from {{ ref('int_contacts_accepted') }}
    where {{ is_contact_to_score() }}
        and created_at <= {{ as_of_timestamp() }}

),

scoring_models as (

    select * from {{ ref('stg_config__scoring_models') }}

),

thresholds as (

    select * from {{ ref('stg_config__lifecycle_thresholds') }}

),

rules as (

    select * from {{ ref('stg_config__scoring_rules') }}

),

-- these two are keyed by integers (contact_number, score_key) already
capped_changes as (

    select * from {{ ref('int_score_changes_capped') }}
    where {{ is_contact_to_score('contact_number', 'contact_number') }}

),

inactivity_changes as (

    select * from {{ ref('int_score_changes_from_inactivity') }}
    where {{ is_contact_to_score('contact_number', 'contact_number') }}

),

feedback as (

    select * from {{ ref('int_sales_feedback_validated') }}
    where {{ is_contact_to_score() }}
        and reject_reason is null
        and created_at <= {{ as_of_timestamp() }}

),

conversions as (

    select
        contact_id,
        min(occurred_at) as converted_at
    from {{ ref('int_events_validated') }}
    where {{ is_contact_to_score('contact_number', 'contact_number') }}
        and reject_reason is null
        and is_conversion
        and occurred_at <= {{ as_of_timestamp() }}
    group by 1

),

deals as (

    select * from {{ ref('int_deals_validated') }}
    where {{ is_contact_to_score() }}
        and reject_reason is null

),

lifecycle_model as (

    select model_id from scoring_models
    where is_lifecycle_model

),

-- the rules mql / sql require, and when they start and stop being matched
required_rules as (

    select
        thresholds.model_id,
        thresholds.stage,
        rules.rule_id,
        rules.kind,
        rules.window_days
    from thresholds
    inner join rules
        on thresholds.model_id = rules.model_id
        and thresholds.required_rule_id = rules.rule_id

),

required_rule_changes as (

    select
        required_rules.model_id,
        required_rules.stage,
        contacts.contact_id,
        matches.occurred_at as changed_at,
        1 as match_change
    from {{ ref('int_event_rule_spans') }} as matches
    inner join required_rules
        on matches.model_id = required_rules.model_id
        and matches.rule_id = required_rules.rule_id
    -- the spans are keyed by contact_number
    inner join contacts
        on matches.contact_number = contacts.contact_number
    where required_rules.kind = 'event'

    union all

    select
        required_rules.model_id,
        required_rules.stage,
        contacts.contact_id,
        matches.leaves_window_at as changed_at,
        -1 as match_change
    from {{ ref('int_event_rule_spans') }} as matches
    inner join required_rules
        on matches.model_id = required_rules.model_id
        and matches.rule_id = required_rules.rule_id
    inner join contacts
        on matches.contact_number = contacts.contact_number
    where required_rules.kind = 'event'
        and matches.leaves_window_at <= {{ as_of_timestamp() }}

    union all

    select
        required_rules.model_id,
        required_rules.stage,
        changes.contact_id,
        changes.changed_at,
        changes.is_held_change as match_change
    from {{ ref('int_score_changes_from_event_count_rules') }} as changes
    inner join required_rules
        on changes.model_id = required_rules.model_id
        and changes.rule_id = required_rules.rule_id
    where {{ is_contact_to_score('changes.contact_id') }}

    union all

    select
        required_rules.model_id,
        required_rules.stage,
        contacts.contact_id,
        contacts.created_at as changed_at,
        1 as match_change
    from {{ ref('int_rule_points_from_properties') }} as matches
    inner join required_rules
        on matches.model_id = required_rules.model_id
        and matches.rule_id = required_rules.rule_id
    inner join contacts
        on matches.contact_id = contacts.contact_id
    where {{ is_contact_to_score('matches.contact_id') }}

),

-- netted per moment: a match leaving the window as another one arrives leaves no row, so every row
-- of this stream changes something, as every row of the others does (int_lead_score_timeline
-- flags changed moments from single rows and needs no per-moment sums)
required_rule_changes_netted as (

    select
        model_id,
        contact_id,
        changed_at,
        sum(case when stage = 'mql' then match_change else 0 end) as mql_rule_change,
        sum(case when stage = 'sql' then match_change else 0 end) as sql_rule_change
    from required_rule_changes
    group by 1, 2, 3
    having
        sum(case when stage = 'mql' then match_change else 0 end) <> 0
        or sum(case when stage = 'sql' then match_change else 0 end) <> 0

),

-- the changes keyed by contact and model names
named_changes as (

    -- every contact starts at created_at
    select
        scoring_models.model_id,
        contacts.contact_id,
        contacts.created_at as changed_at,
        0 as fit_change,
        0 as engagement_change,
        0 as penalty_change,
        0 as reset_change,
        0 as adjustment_change,
        0 as feedback_change,
        0 as mql_rule_change,
        0 as sql_rule_change,
        1 as is_marker
    from contacts
    cross join scoring_models

    union all

    select
        lifecycle_model.model_id,
        feedback.contact_id,
        feedback.created_at as changed_at,
        0 as fit_change,
        0 as engagement_change,
        0 as penalty_change,
        0 as reset_change,
        feedback.points as adjustment_change,
        1 as feedback_change,
        0 as mql_rule_change,
        0 as sql_rule_change,
        0 as is_marker
    from feedback
    cross join lifecycle_model

    union all

    select
        model_id,
        contact_id,
        changed_at,
        0 as fit_change,
        0 as engagement_change,
        0 as penalty_change,
        0 as reset_change,
        0 as adjustment_change,
        0 as feedback_change,
        mql_rule_change,
        sql_rule_change,
        0 as is_marker
    from required_rule_changes_netted

    union all

    -- lifecycle triggers without a score change still need their moment on the timeline
    select
        lifecycle_model.model_id,
        triggers.contact_id,
        triggers.changed_at,
        0 as fit_change,
        0 as engagement_change,
        0 as penalty_change,
        0 as reset_change,
        0 as adjustment_change,
        0 as feedback_change,
        0 as mql_rule_change,
        0 as sql_rule_change,
        1 as is_marker
    from (
        select
            contact_id,
            converted_at as changed_at
        from conversions
        union all
        select
            contact_id,
            created_at as changed_at
        from deals
        where created_at <= {{ as_of_timestamp() }}
        union all
        select
            contact_id,
            coalesce(closed_at, created_at) as changed_at
        from deals
        where stage = 'closed_won'
            and coalesce(closed_at, created_at) <= {{ as_of_timestamp() }}
    ) as triggers
    cross join lifecycle_model

),

-- every stream on integer keys: the named ones get theirs, the capped and inactivity changes
-- have them (an integer join to the contacts is cheaper than a string one over ~30M rows)
all_changes as (

    select
        contacts.contact_number,
        {{ score_key('contacts.contact_number', 'scoring_models') }} as score_key,
        named_changes.changed_at,
        named_changes.fit_change,
        named_changes.engagement_change,
        named_changes.penalty_change,
        named_changes.reset_change,
        named_changes.adjustment_change,
        named_changes.feedback_change,
        named_changes.mql_rule_change,
        named_changes.sql_rule_change,
        named_changes.is_marker
    from named_changes
    inner join contacts
        on named_changes.contact_id = contacts.contact_id
    inner join scoring_models
        on named_changes.model_id = scoring_models.model_id

    union all

    select
        contact_number,
        score_key,
        changed_at,
        fit_change,
        engagement_change,
        0 as penalty_change,
        0 as reset_change,
        0 as adjustment_change,
        0 as feedback_change,
        0 as mql_rule_change,
        0 as sql_rule_change,
        0 as is_marker
    from capped_changes

    union all

    select
        contact_number,
        score_key,
        changed_at,
        0 as fit_change,
        0 as engagement_change,
        penalty_change,
        reset_change,
        0 as adjustment_change,
        0 as feedback_change,
        0 as mql_rule_change,
        0 as sql_rule_change,
        0 as is_marker
    from inactivity_changes

),

changes_by_time as (

    select
        all_changes.score_key,
        case
            when all_changes.changed_at < contacts.created_at then contacts.created_at
            else all_changes.changed_at
        end as changed_at,
        all_changes.fit_change,
        all_changes.engagement_change,
        all_changes.penalty_change,
        all_changes.reset_change,
        all_changes.adjustment_change,
        all_changes.feedback_change,
        all_changes.mql_rule_change,
        all_changes.sql_rule_change,
        all_changes.is_marker,
        -- the first moment of every score: each contact starts at created_at, nothing is earlier
        all_changes.changed_at <= contacts.created_at as is_created_moment
    from all_changes
    inner join contacts
        on all_changes.contact_number = contacts.contact_number

)

select * from changes_by_time
