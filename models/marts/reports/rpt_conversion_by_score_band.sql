{{ config(materialized='table') }}

{#- Do higher scores convert more? Conversion of the judged contacts (rpt_lead_outcomes.is_evaluated)
    by the band of their peak score (var('score_band_width') points wide) and by their grade at that
    peak. lift = the band's conversion rate / the rate of all judged contacts. One row per
    breakdown (score_band or grade) and band. -#}

{%- set band_width = var('score_band_width', 10) %}

with

outcomes as (

    select * from {{ ref('rpt_lead_outcomes') }}
    where is_evaluated

),

banded as (

    select
        'score_band' as breakdown,
        cast(floor(peak_score / {{ band_width }}) * {{ band_width }} as decimal(18, 2)) as band_lower,
        is_converted
    from outcomes

),

by_score_band as (

    select
        breakdown,
        cast(band_lower as {{ dbt.type_string() }}) || ' to <'
        || cast(cast(band_lower + {{ band_width }} as decimal(18, 2)) as {{ dbt.type_string() }}) as band,
        band_lower,
        cast(band_lower + {{ band_width }} as decimal(18, 2)) as band_upper,
        count(*) as leads,
        sum(case when is_converted then 1 else 0 end) as converted_leads
    from banded
    group by 1, 2, 3, 4

),

by_grade as (

    select
        'grade' as breakdown,
        coalesce(grade_at_peak, 'none') as band,
        cast(null as decimal(18, 2)) as band_lower,
        cast(null as decimal(18, 2)) as band_upper,
        count(*) as leads,
        sum(case when is_converted then 1 else 0 end) as converted_leads
    from outcomes
    group by 1, 2, 3, 4

),

unioned as (

    select * from by_score_band
    union all
    select * from by_grade

),

totals as (

    select
        count(*) as leads,
        sum(case when is_converted then 1 else 0 end) as converted_leads
    from outcomes

),

final as (

    select
        unioned.breakdown,
        unioned.band,
        unioned.band_lower,
        unioned.band_upper,
        unioned.leads,
        unioned.converted_leads,
        {{ ratio('unioned.converted_leads', 'unioned.leads') }} as conversion_rate,
        {{ ratio('unioned.leads', 'totals.leads') }} as share_of_leads,
        {{ ratio('unioned.converted_leads', 'totals.converted_leads') }} as share_of_converted,
        {{ ratio('unioned.converted_leads * totals.leads', 'unioned.leads * totals.converted_leads') }} as lift
    from unioned
    cross join totals

)

select * from final
