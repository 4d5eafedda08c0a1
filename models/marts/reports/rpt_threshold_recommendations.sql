{{ config(materialized='table') }}

{#- The answer of rpt_threshold_tuning per stage: the current threshold and how it performs, the
    threshold with the best F1, the lowest threshold whose weekly flow fits the sales capacity, and
    the lowest peak scores of the contacts that did convert (a threshold above lowest_converted_peak
    loses converted leads). One row per stage (mql, sql). -#}

with

tuning as (

    select * from {{ ref('rpt_threshold_tuning') }}

),

outcomes as (

    select * from {{ ref('rpt_lead_outcomes') }}
    where is_evaluated and is_converted

),

converted_peaks as (

    select
        min(peak_score) as lowest_converted_peak,
        cast(percentile_cont(0.1) within group (order by peak_score) as decimal(18, 2))
            as converted_peak_p10,
        cast(percentile_cont(0.5) within group (order by peak_score) as decimal(18, 2))
            as converted_peak_median
    from outcomes

),

stages as (

    select
        stage,
        max(evaluated_leads) as evaluated_leads,
        max(converted_leads) as converted_leads,
        max(capacity_per_week) as capacity_per_week
    from tuning
    group by 1

),

final as (

    select
        stages.stage,
        stages.evaluated_leads,
        stages.converted_leads,
        {{ ratio('stages.converted_leads', 'stages.evaluated_leads') }} as base_conversion_rate,
        current_row.threshold as current_threshold,
        current_row.precision as current_precision,
        current_row.recall as current_recall,
        current_row.f1 as current_f1,
        current_row.reached_per_week as current_reached_per_week,
        best_f1.threshold as best_f1_threshold,
        best_f1.precision as best_f1_precision,
        best_f1.recall as best_f1_recall,
        best_f1.f1 as best_f1,
        best_f1.reached_per_week as best_f1_reached_per_week,
        stages.capacity_per_week,
        capacity_fit.threshold as capacity_threshold,
        capacity_fit.precision as capacity_precision,
        capacity_fit.recall as capacity_recall,
        capacity_fit.reached_per_week as capacity_reached_per_week,
        converted_peaks.lowest_converted_peak,
        converted_peaks.converted_peak_p10,
        converted_peaks.converted_peak_median
    from stages
    cross join converted_peaks
    left join tuning as current_row
        on stages.stage = current_row.stage
        and current_row.is_current_threshold
    left join tuning as best_f1
        on stages.stage = best_f1.stage
        and best_f1.is_best_f1
    left join tuning as capacity_fit
        on stages.stage = capacity_fit.stage
        and capacity_fit.is_capacity_fit

)

select * from final
