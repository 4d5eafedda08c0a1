{{ config(materialized='table') }}

{#- The funnel lead -> mql -> sql -> opportunity -> customer of the contacts that are not excluded,
    by monthly cohort (created_at month), by lead source, and overall: how many reached each stage
    by as_of (first entries; a cohort row counts all its contacts, young ones too, and is_mature
    says when its rates are final; the lead_source and overall rows count the judged contacts
    only, rpt_lead_outcomes.is_evaluated, so young contacts never dilute their rates), the conversion rate of each step (of the contacts that reached the
    earlier stage, the share that reached the later one at the same time or later: any entry into
    it, so an sql entered before the first mql and re-entered after it counts) and the median
    days between the two. A cohort is mature once its conversion window (var
    'conversion_window_days') has passed for its last day; a mature cohort with at least
    var('cohort_min_mqls') mqls is flagged when its mql -> sql rate is more than
    var('cohort_alert_drop_percent') % below the pooled rate of the mature cohorts of the
    var('cohort_trailing_months') calendar months before it: the sign that the mql criteria need a
    look. One row per breakdown
    (cohort, lead_source, overall) and segment. -#}

{%- set steps = [
    ('lead', 'mql'),
    ('mql', 'sql'),
    ('sql', 'opportunity'),
    ('opportunity', 'customer'),
    ('mql', 'customer'),
] %}
{%- set trailing_months = var('cohort_trailing_months', 3) | int %}

with

outcomes as (

    select * from {{ ref('rpt_lead_outcomes') }}
    where not is_excluded

),

stage_entries as (

    select * from {{ ref('fct_lifecycle_stage_history') }}

),

-- per contact and step, the first entry into the later stage at or after the first entry into
-- the earlier one: a later stage's first entry alone misses a re-entry (sales_ready makes an sql
-- before any mql; not_ready sends it to mql; its score makes it an sql again)
step_entries as (

    select
        outcomes.contact_id,
        {%- for from_stage, to_stage in steps %}
            min(
                case
                    when stage_entries.stage = '{{ to_stage }}'
                        and stage_entries.entered_at >= outcomes.became_{{ from_stage }}_at
                        then stage_entries.entered_at
                end
            ) as reached_{{ from_stage }}_to_{{ to_stage }}_at{% if not loop.last %},{% endif %}
        {%- endfor %}
    from outcomes
    inner join stage_entries
        on outcomes.contact_id = stage_entries.contact_id
    group by 1

),

-- one row per contact with a 0/1 flag per step taken and the step's days
contact_steps as (

    select
        {%- for from_stage, to_stage in steps %}
            case when step_entries.reached_{{ from_stage }}_to_{{ to_stage }}_at is not null then 1 else 0 end
                as took_{{ from_stage }}_to_{{ to_stage }},
            (
                {{ epoch_microseconds('step_entries.reached_' ~ from_stage ~ '_to_' ~ to_stage ~ '_at') }}
                - {{ epoch_microseconds('outcomes.became_' ~ from_stage ~ '_at') }}
            ) / 86400000000.0 as days_{{ from_stage }}_to_{{ to_stage }},
        {%- endfor %}
        outcomes.cohort_month as contact_cohort_month,
        outcomes.lead_source as contact_lead_source,
        outcomes.is_evaluated,
        outcomes.became_lead_at,
        outcomes.became_mql_at,
        outcomes.became_sql_at,
        outcomes.became_opportunity_at,
        outcomes.became_customer_at
    from outcomes
    left join step_entries
        on outcomes.contact_id = step_entries.contact_id

),

breakdowns as (

    select 'cohort' as breakdown
    union all
    select 'lead_source' as breakdown
    union all
    select 'overall' as breakdown

),

-- every contact once per breakdown, keyed by its segment in that breakdown
segmented as (

    select
        breakdowns.breakdown,
        case when breakdowns.breakdown = 'cohort' then contact_steps.contact_cohort_month end as cohort_month,
        case when breakdowns.breakdown = 'lead_source' then contact_steps.contact_lead_source end as lead_source,
        contact_steps.*
    from contact_steps
    cross join breakdowns
    where breakdowns.breakdown = 'cohort' or contact_steps.is_evaluated

),

segments as (

    select
        breakdown,
        cohort_month,
        lead_source,
        {%- for from_stage, to_stage in steps %}
            sum(took_{{ from_stage }}_to_{{ to_stage }}) as {{ from_stage }}_to_{{ to_stage }}_count,
            cast(
                percentile_cont(0.5) within group (order by days_{{ from_stage }}_to_{{ to_stage }}) as decimal(18, 1)
            ) as median_days_{{ from_stage }}_to_{{ to_stage }},
        {%- endfor %}
        count(*) as contacts,
        count(became_lead_at) as leads,
        count(became_mql_at) as mqls,
        count(became_sql_at) as sqls,
        count(became_opportunity_at) as opportunities,
        count(became_customer_at) as customers
    from segmented
    group by 1, 2, 3

),

rated as (

    select
        *,
        {{ ratio('lead_to_mql_count', 'leads') }} as lead_to_mql_rate,
        {{ ratio('mql_to_sql_count', 'mqls') }} as mql_to_sql_rate,
        {{ ratio('sql_to_opportunity_count', 'sqls') }} as sql_to_opportunity_rate,
        {{ ratio('opportunity_to_customer_count', 'opportunities') }} as opportunity_to_customer_rate,
        {{ ratio('mql_to_customer_count', 'mqls') }} as mql_to_customer_rate,
        breakdown <> 'cohort'
        or {{ dbt.dateadd('day', var('conversion_window_days', 90) | int,
            dbt.dateadd('month', 1, 'cohort_month')) }} <= {{ as_of_timestamp() }} as is_mature
    from segments

),

-- pooled mql -> sql rate of the mature cohorts in the trailing months before each cohort
trailing_rates as (

    select
        cohort.cohort_month,
        {{ ratio('sum(previous.mql_to_sql_count)', 'sum(previous.mqls)') }} as trailing_mql_to_sql_rate
    from rated as cohort
    inner join rated as previous
        on previous.breakdown = 'cohort'
        and previous.is_mature
        and cohort.cohort_month > previous.cohort_month
        and {{ dbt.dateadd('month', -trailing_months, 'cohort.cohort_month') }} <= previous.cohort_month
    where cohort.breakdown = 'cohort'
    group by 1

),

final as (

    select
        rated.breakdown,
        rated.cohort_month,
        rated.lead_source,
        rated.is_mature,
        rated.contacts,
        rated.leads,
        rated.mqls,
        rated.sqls,
        rated.opportunities,
        rated.customers,
        rated.lead_to_mql_rate,
        rated.mql_to_sql_rate,
        rated.sql_to_opportunity_rate,
        rated.opportunity_to_customer_rate,
        rated.mql_to_customer_rate,
        {%- for from_stage, to_stage in steps %}
            rated.median_days_{{ from_stage }}_to_{{ to_stage }},
        {%- endfor %}
        trailing_rates.trailing_mql_to_sql_rate,
        coalesce(
            rated.is_mature
            and rated.mqls >= {{ var('cohort_min_mqls', 20) | int }}
            and rated.mql_to_sql_rate
            < trailing_rates.trailing_mql_to_sql_rate * (1 - {{ var('cohort_alert_drop_percent', 30) }} / 100.0),
            false
        ) as is_mql_to_sql_below_trend
    from rated
    left join trailing_rates
        on rated.cohort_month = trailing_rates.cohort_month
        and rated.breakdown = 'cohort'

)

select * from final
