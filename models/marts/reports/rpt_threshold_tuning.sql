{{ config(materialized='table') }}

{#- Where should the mql and sql thresholds be? For each candidate threshold (every multiple of
    var('threshold_step') from the lowest judged peak score's to the highest's, plus the current
    thresholds): the judged
    contacts (rpt_lead_outcomes.is_evaluated) whose peak score reached it before converting or
    before their window ended (leads_above), how many of them converted, precision, recall, F1 and
    lift; and the weekly flow it would send: contacts whose score first reached it during the last
    var('capacity_lookback_days') before as_of, per week. is_best_f1 marks the best F1 (ties: the
    higher threshold); is_capacity_fit the lowest threshold from which on every threshold's weekly
    flow fits the stage's capacity var (sql_capacity_per_week / mql_capacity_per_week). One row
    per stage and threshold. -#}

{%- set step = var('threshold_step', 5) %}
{%- set lookback_days = var('capacity_lookback_days', 91) | int %}
{#- a capacity var given as null, none or '' means no capacity -#}
{%- set capacities = {} %}
{%- for stage in ['mql', 'sql'] %}
    {%- set capacity = var(stage ~ '_capacity_per_week', none) %}
    {%- do capacities.update({
        stage: 'null' if capacity is none or capacity | string | trim | lower in ['', 'none', 'null'] else capacity
    }) %}
{%- endfor %}

with

outcomes as (

    select * from {{ ref('rpt_lead_outcomes') }}

),

timeline as (

    select * from {{ ref('int_lead_score_timeline') }}

),

thresholds as (

    select * from {{ ref('stg_config__lifecycle_thresholds') }}

),

scoring_models as (

    select * from {{ ref('stg_config__scoring_models') }}
    where is_lifecycle_model

),

stages as (

    select
        'mql' as stage,
        cast({{ capacities['mql'] }} as double) as capacity_per_week

    union all

    select
        'sql' as stage,
        cast({{ capacities['sql'] }} as double) as capacity_per_week

),

current_thresholds as (

    select
        thresholds.stage,
        thresholds.min_score as current_threshold
    from thresholds
    inner join scoring_models
        on thresholds.model_id = scoring_models.model_id

),

evaluated as (

    select
        peak_score,
        is_converted
    from outcomes
    where is_evaluated

),

-- the highest score by as_of and before the capacity lookback began, of every contact that can
-- still qualify by score (not excluded)
score_reach as (

    select
        timeline.contact_id,
        max(timeline.total_score) as max_score,
        max(
            case
                when timeline.changed_at < {{ dbt.dateadd('day', -lookback_days, as_of_timestamp()) }}
                    then timeline.total_score
            end
        ) as max_score_before_lookback
    from timeline
    inner join outcomes
        on timeline.contact_id = outcomes.contact_id
        and timeline.model_id = outcomes.model_id
    where not outcomes.is_excluded
    group by 1

),

-- every multiple of the step from the lowest judged peak's to the highest's: a threshold between
-- two peaks' multiples sends a different weekly flow, as every contact's score counts there.
-- Up to 999 steps above the lowest; beyond that, the multiples some peak is rounded down to.
peak_steps as (

    select distinct floor(peak_score / {{ step }}) as peak_step
    from evaluated

),

candidates as (

    select cast(peak_step * {{ step }} as decimal(18, 2)) as threshold
    from peak_steps

    union

    select cast((lowest.peak_step + steps.step_number) * {{ step }} as decimal(18, 2)) as threshold
    from (
        select
            min(peak_step) as peak_step,
            max(peak_step) as highest_step
        from peak_steps
    ) as lowest
    cross join {{ step_numbers() }} as steps
    where lowest.peak_step + steps.step_number <= lowest.highest_step

    union

    select current_threshold as threshold from current_thresholds

),

totals as (

    select
        count(*) as evaluated_leads,
        coalesce(sum(case when is_converted then 1 else 0 end), 0) as converted_leads
    from evaluated

),

-- counts per score value first, so the threshold comparisons run on distinct values, not contacts
peak_counts as (

    select
        peak_score,
        count(*) as leads,
        sum(case when is_converted then 1 else 0 end) as converted_leads
    from evaluated
    group by 1

),

reach_counts as (

    select
        max_score as score,
        count(*) as reached,
        0 as reached_before_lookback
    from score_reach
    group by 1

    union all

    select
        max_score_before_lookback as score,
        0 as reached,
        count(*) as reached_before_lookback
    from score_reach
    where max_score_before_lookback is not null
    group by 1

),

curve as (

    select
        candidates.threshold,
        coalesce(sum(peak_counts.leads), 0) as leads_above,
        coalesce(sum(peak_counts.converted_leads), 0) as converted_above
    from candidates
    left join peak_counts
        on candidates.threshold <= peak_counts.peak_score
    group by 1

),

-- first reached during the lookback = reached by as_of but not before the lookback (a contact's
-- highest score before the lookback is never above its highest by as_of)
flow as (

    select
        candidates.threshold,
        coalesce(sum(reach_counts.reached) - sum(reach_counts.reached_before_lookback), 0)
            as first_reached_in_lookback
    from candidates
    left join reach_counts
        on candidates.threshold <= reach_counts.score
    group by 1

),

metrics as (

    select
        stages.stage,
        curve.threshold,
        coalesce(curve.threshold = current_thresholds.current_threshold, false) as is_current_threshold,
        totals.evaluated_leads,
        totals.converted_leads,
        curve.leads_above,
        curve.converted_above,
        {{ ratio('curve.converted_above', 'curve.leads_above') }} as precision,
        {{ ratio('curve.converted_above', 'totals.converted_leads') }} as recall,
        {{ ratio('2 * curve.converted_above', 'curve.leads_above + totals.converted_leads') }} as f1,
        {{ ratio('curve.converted_above * totals.evaluated_leads', 'curve.leads_above * totals.converted_leads') }}
            as lift,
        {{ ratio('flow.first_reached_in_lookback * 7', lookback_days, 2) }} as reached_per_week,
        stages.capacity_per_week
    from curve
    inner join flow
        on curve.threshold = flow.threshold
    cross join stages
    cross join totals
    left join current_thresholds
        on stages.stage = current_thresholds.stage

),

-- the flow is not strictly falling with the threshold (a contact can jump past a lower one
-- before the lookback and reach a higher one during it), so a threshold fits the capacity when
-- it and every higher one do
capacity_checked as (

    select
        *,
        max(reached_per_week) over (
            partition by stage order by threshold desc rows between unbounded preceding and current row
        ) <= capacity_per_week as fits_from_here
    from metrics

),

ranked as (

    select
        *,
        row_number() over (partition by stage order by f1 desc nulls last, threshold desc) as f1_rank,
        row_number() over (
            partition by stage order by case when fits_from_here then 0 else 1 end, threshold
        ) as capacity_rank
    from capacity_checked

),

final as (

    select
        stage,
        threshold,
        is_current_threshold,
        evaluated_leads,
        converted_leads,
        leads_above,
        converted_above,
        precision,
        recall,
        f1,
        lift,
        reached_per_week,
        capacity_per_week,
        reached_per_week <= capacity_per_week as is_within_capacity,
        -- no conversion among the judged leads: every f1 is 0 and no threshold is best
        f1_rank = 1 and coalesce(f1 > 0, false) as is_best_f1,
        coalesce(capacity_rank = 1 and fits_from_here, false) as is_capacity_fit
    from ranked

)

select * from final
