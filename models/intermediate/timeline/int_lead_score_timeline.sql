{{ config(
    materialized='incremental',
    incremental_strategy='replace_contacts',
    replaced_from_column='changed_at',
    on_schema_change='fail',
) }}

{#- The SPEC 4 score of every contact and model at every moment it can change, up to as_of: the
    running sums of the capped rule changes, inactivity steps and sales-feedback adjustments, then
    inactivity, adjustments and clamping exactly as int_lead_scores_computed applies them at as_of
    (a test checks that the last row equals fct_lead_scores). For the lifecycle model it also
    carries what the lifecycle needs at that moment: how many feedbacks were given and whether the
    required rules of mql and sql are matched. An incremental run resumes a recomputed contact at
    its replaced_from (macro resumes_kept_history): the running state before it is one sum, not a
    window over its whole history. One row per model, contact and moment. -#}

-- incremental runs recompute only the contacts of int_contacts_to_score
-- depends_on: {{ ref('int_contacts_to_score') }}

with

scoring_models as (

    select * from {{ ref('stg_config__scoring_models') }}

),

changes_by_time as (

    select
        score_key,
        {{ epoch_microseconds('changed_at') }} as changed_at_us,
        -- the window sums whole cents (macro to_cents); final casts them back
        {{ to_cents('fit_change') }} as fit_cents,
        {{ to_cents('engagement_change') }} as engagement_cents,
        {{ to_cents('penalty_change') }} as penalty_cents,
        {{ to_cents('adjustment_change') }} as adjustment_cents,
        -- the four counts as two packed pairs (macro pack_counts): two window sums fewer
        {{ pack_counts('reset_change', 'feedback_change') }} as reset_feedback_counts,
        {{ pack_counts('mql_rule_change', 'sql_rule_change') }} as required_rule_counts,
        -- 1: a lifecycle marker; 2: a change (int_score_changes_merged: after the created moment,
        -- no other row of the moment can cancel it)
        is_marker
        + case
            when fit_change <> 0 or engagement_change <> 0 or penalty_change <> 0 or reset_change <> 0
                or adjustment_change <> 0 or feedback_change <> 0 or mql_rule_change <> 0
                or sql_rule_change <> 0
                then 2
            else 0
        end as row_kind,
        is_created_moment
    from {{ ref('int_score_changes_merged') }}

),

{% if resumes_kept_history() -%}
-- the time each recomputed contact resumes at (null: from its start)
resumed_changes as (

    select
        changes_by_time.*,
        resumed_from.resumed_from_us
    from changes_by_time
    left join (
        select
            {{ score_key('to_score.contact_number', 'scoring_models') }} as score_key,
            {{ epoch_microseconds('to_score.replaced_from') }} as resumed_from_us
        from {{ ref('int_contacts_to_score') }} as to_score
        cross join scoring_models
        where to_score.replaced_from is not null
    ) as resumed_from
        on changes_by_time.score_key = resumed_from.score_key

),

{% endif -%}

-- what the window runs over: every change, or in an incremental run the changes from each
-- contact's resumed_from on after one row (is_state_before, just before it) holding the sum of
-- the changes before it; the running sums then continue from that state
changes_to_run as (

    {% if resumes_kept_history() -%}
        select
            score_key,
            changed_at_us,
            fit_cents,
            engagement_cents,
            penalty_cents,
            adjustment_cents,
            reset_feedback_counts,
            required_rule_counts,
            row_kind,
            is_created_moment,
            false as is_state_before
        from resumed_changes
        where resumed_from_us is null or changed_at_us >= resumed_from_us

        union all

        select
            score_key,
            resumed_from_us - 1 as changed_at_us,
            sum(fit_cents) as fit_cents,
            sum(engagement_cents) as engagement_cents,
            sum(penalty_cents) as penalty_cents,
            sum(adjustment_cents) as adjustment_cents,
            sum(reset_feedback_counts) as reset_feedback_counts,
            sum(required_rule_counts) as required_rule_counts,
            0 as row_kind,
            false as is_created_moment,
            true as is_state_before
        from resumed_changes
        where changed_at_us < resumed_from_us
        group by score_key, resumed_from_us
    {%- else -%}
        select * from changes_by_time
    {%- endif %}

),

-- the contact and model of each score_key (and the model's settings), joined to the moments
-- after the window: its sort carries integers only
score_keys as (

    select
        scoring_models.model_id,
        contacts.contact_id,
        {{ score_key('contacts.contact_number', 'scoring_models') }} as score_key,
        scoring_models.is_lifecycle_model,
        scoring_models.min_score,
        scoring_models.max_score
    from {{ ref('int_contacts_accepted') }} as contacts
    cross join scoring_models
    where {{ is_contact_to_score() }}

),

-- one sort for everything: the running state after each moment (a range frame: every row of one
-- moment gets the state after the whole moment), the net change of the moment itself (its peers)
-- and the next row, which tells the last row of a moment and the time of the next moment
running as (

    select
        score_key,
        changed_at_us,
        sum(fit_cents) over changes_so_far as running_fit,
        sum(engagement_cents) over changes_so_far as running_engagement,
        sum(penalty_cents) over changes_so_far as running_penalty,
        sum(adjustment_cents) over changes_so_far as running_adjustment,
        sum(reset_feedback_counts) over changes_so_far as running_reset_feedback,
        sum(required_rule_counts) over changes_so_far as running_required_rules,
        -- the moment's own changes: the state before it differs from the state after it exactly
        -- when one of its rows changes something (no row of a moment after the created one cancels
        -- another: int_score_changes_merged), so one flag aggregate says it
        bit_or(row_kind) over this_moment >= 2 as is_changed_moment,
        bit_or(row_kind) over this_moment % 2 = 1 as is_marker_moment,
        is_created_moment as is_first_moment,
        {%- if resumes_kept_history() %}
            is_state_before,
        {%- endif %}
        lead(changed_at_us) over same_contact as next_row_changed_at_us
    from changes_to_run
    window
        same_contact as (partition by score_key order by changed_at_us),
        changes_so_far as (same_contact range between unbounded preceding and current row),
        this_moment as (same_contact range between current row and current row)

),

-- one row per moment (its last row: the next row belongs to the next moment), not the state
-- before a resumed contact
moments as (

    select
        *,
        {{ packed_count_high('running_reset_feedback') }} as running_reset,
        {{ packed_count_low('running_reset_feedback') }} as running_feedback,
        {{ packed_count_high('running_required_rules') }} as running_mql_rule,
        {{ packed_count_low('running_required_rules') }} as running_sql_rule
    from running
    where (next_row_changed_at_us is null or next_row_changed_at_us <> changed_at_us)
    {%- if resumes_kept_history() %}
        and not is_state_before
    {%- endif %}

),

-- SPEC 4 (in cents): a reached reset zeroes engagement; a penalty never pushes engagement below
-- zero
scored as (

    select
        score_keys.model_id,
        score_keys.contact_id,
        moments.score_key,
        {{ timestamp_from_epoch_microseconds('moments.changed_at_us') }} as changed_at,
        moments.running_fit as fit_cents,
        case
            when moments.running_reset > 0 then 0
            when moments.running_penalty = 0 then moments.running_engagement
            when moments.running_engagement <= 0 then moments.running_engagement
            when moments.running_penalty > moments.running_engagement then 0
            else moments.running_engagement - moments.running_penalty
        end as engagement_cents,
        case when score_keys.is_lifecycle_model then moments.running_adjustment else 0 end
            as adjustment_cents,
        score_keys.min_score * 100 as min_cents,
        score_keys.max_score * 100 as max_cents,
        cast(moments.running_feedback as integer) as feedback_count,
        moments.running_mql_rule > 0 as is_mql_rule_matched,
        moments.running_sql_rule > 0 as is_sql_rule_matched,
        -- the last moment of a day gives the end-of-day score (fct_lead_score_history)
        moments.next_row_changed_at_us is null
        or cast({{ timestamp_from_epoch_microseconds('moments.next_row_changed_at_us') }} as date)
        <> cast({{ timestamp_from_epoch_microseconds('moments.changed_at_us') }} as date) as is_last_of_day,
        -- did anything about the score change at this moment (the first moment always counts)
        moments.is_first_moment or moments.is_changed_moment as has_score_change,
        -- a lifecycle trigger (created, first conversion, deal) happened at this moment
        moments.is_first_moment or moments.is_marker_moment as has_marker
    from moments
    inner join score_keys
        on moments.score_key = score_keys.score_key

),

clamped as (

    select
        *,
        case
            when min_cents is not null and fit_cents + engagement_cents + adjustment_cents < min_cents
                then min_cents
            when max_cents is not null and fit_cents + engagement_cents + adjustment_cents > max_cents
                then max_cents
            else fit_cents + engagement_cents + adjustment_cents
        end as total_cents
    from scored

),

final as (

    select
        model_id,
        contact_id,
        score_key,
        changed_at,
        {{ from_cents('fit_cents') }} as fit_score,
        {{ from_cents('engagement_cents') }} as engagement_score,
        {{ from_cents('total_cents') }} as total_score,
        feedback_count,
        is_mql_rule_matched,
        is_sql_rule_matched,
        is_last_of_day,
        has_score_change or has_marker as has_change,
        has_score_change
    from clamped

)

select * from final
