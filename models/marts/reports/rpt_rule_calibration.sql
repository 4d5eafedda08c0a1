{{ config(materialized='table') }}

{#- Which rules predict conversion, and what should they be worth? For every rule of every model,
    over the judged contacts (rpt_lead_outcomes.is_evaluated): how many matched it before they
    converted or their window ended (a property rule counts as matched from the start, an event
    rule from its first matching event, an event_count rule from the first moment its condition
    held), their conversion rate against the others', lift, and the log-odds ratio of converting
    (matched vs not; each group gets one pseudo-lead split by the base conversion rate, so a rule
    matched by a handful of leads reads close to the base rate) with its z score.
    suggested_points = that log-odds ratio shrunk towards 0 under a normal prior with standard
    deviation var('calibration_prior_sd') (the posterior mean: weak evidence moves a rule little),
    scaled so that the model's rules keep the total absolute points they have now; null when the
    rule cannot be judged (no judged contact matched it, or all did). never_fired: no contact
    matched the rule by as_of. is_sign_suspect: the data say the opposite of the points' sign with
    |z| >= 1.96. One row per model and rule. -#}

{%- set prior_sd = var('calibration_prior_sd', 0.5) | float %}
{%- set prior_variance = prior_sd * prior_sd %}

with

rules as (

    select * from {{ ref('stg_config__scoring_rules') }}

),

outcomes as (

    select * from {{ ref('rpt_lead_outcomes') }}

),

contacts as (

    select * from {{ ref('dim_contacts') }}

),

property_matches as (

    select * from {{ ref('int_rule_points_from_properties') }}

),

event_rule_spans as (

    select * from {{ ref('int_event_rule_spans') }}

),

-- the spans are keyed by contact_number
contact_numbers as (

    select
        contact_id,
        contact_number
    from {{ ref('int_contacts_accepted') }}

),

first_event_rule_matches as (

    select
        model_id,
        rule_id,
        contact_number,
        min(occurred_at) as first_matched_at
    from event_rule_spans
    group by 1, 2, 3

),

count_rule_changes as (

    select * from {{ ref('int_score_changes_from_event_count_rules') }}

),

-- when each contact first matched each rule
first_matches as (

    select
        property_matches.model_id,
        property_matches.rule_id,
        property_matches.contact_id,
        contacts.created_at as first_matched_at
    from property_matches
    inner join contacts
        on property_matches.contact_id = contacts.contact_id

    union all

    select
        first_event_rule_matches.model_id,
        first_event_rule_matches.rule_id,
        contact_numbers.contact_id,
        first_event_rule_matches.first_matched_at
    from first_event_rule_matches
    inner join contact_numbers
        on first_event_rule_matches.contact_number = contact_numbers.contact_number

    union all

    select
        model_id,
        rule_id,
        contact_id,
        min(changed_at) as first_matched_at
    from count_rule_changes
    where is_held_change > 0  -- the condition starts to hold (a rule worth 0 points too)
    group by 1, 2, 3

),

judged_matches as (

    select
        first_matches.model_id,
        first_matches.rule_id,
        count(*) as contacts_matched,
        sum(
            case
                when outcomes.is_evaluated and first_matches.first_matched_at <= outcomes.judged_until then 1
                else 0
            end
        ) as leads_matched,
        sum(
            case
                when outcomes.is_evaluated and first_matches.first_matched_at <= outcomes.judged_until
                    and outcomes.is_converted
                    then 1
                else 0
            end
        ) as converted_matched
    from first_matches
    inner join outcomes
        on first_matches.contact_id = outcomes.contact_id
    group by 1, 2

),

totals as (

    select
        count(*) as evaluated_leads,
        coalesce(sum(case when is_converted then 1 else 0 end), 0) as converted_leads
    from outcomes
    where is_evaluated

),

-- the 2 x 2 table of matched / not matched by converted / not converted
cells as (

    select
        rules.model_id,
        rules.rule_id,
        rules.kind,
        rules.group_id,
        rules.points,
        coalesce(judged_matches.contacts_matched, 0) as contacts_matched,
        totals.evaluated_leads,
        totals.converted_leads,
        coalesce(judged_matches.leads_matched, 0) as leads_matched,
        coalesce(judged_matches.converted_matched, 0) as converted_matched,
        cast(totals.converted_leads as double) / nullif(totals.evaluated_leads, 0) as base_rate,
        totals.evaluated_leads - coalesce(judged_matches.leads_matched, 0) as leads_unmatched,
        totals.converted_leads - coalesce(judged_matches.converted_matched, 0) as converted_unmatched
    from rules
    cross join totals
    left join judged_matches
        on rules.model_id = judged_matches.model_id
        and rules.rule_id = judged_matches.rule_id

),

-- log-odds ratio of converting, matched vs not: each group gets one pseudo-lead split by the base
-- rate (so an empty cell reads as the base rate, not 50 %), and its standard error. Without both
-- converted and not converted judged leads (base rate 0 or 1) there is nothing to compare: null
-- (ln(0) would give -inf - -inf = NaN, which no decimal cast accepts)
log_odds as (

    select
        *,
        case
            when leads_matched > 0 and leads_unmatched > 0 and base_rate > 0 and base_rate < 1
                then ln((converted_matched + base_rate) / (leads_matched - converted_matched + 1 - base_rate))
                    - ln((converted_unmatched + base_rate) / (leads_unmatched - converted_unmatched + 1 - base_rate))
        end as log_odds_ratio,
        case
            when base_rate > 0 and base_rate < 1
                then sqrt(
                        1 / (converted_matched + base_rate)
                        + 1 / (leads_matched - converted_matched + 1 - base_rate)
                        + 1 / (converted_unmatched + base_rate)
                        + 1 / (leads_unmatched - converted_unmatched + 1 - base_rate)
                    )
        end as log_odds_standard_error
    from cells

),

-- a normal prior N(0, prior_sd^2) on every rule's log-odds ratio: the estimate is pulled towards 0
-- the more, the less evidence stands behind it (its posterior mean)
shrunk as (

    select
        *,
        log_odds_ratio * {{ prior_variance }}
        / ({{ prior_variance }} + log_odds_standard_error * log_odds_standard_error) as shrunk_log_odds
    from log_odds

),

-- points per unit of shrunk log-odds: the model's rules keep their total absolute points
scales as (

    select
        model_id,
        sum(abs(points)) / nullif(sum(abs(shrunk_log_odds)), 0) as points_per_log_odds
    from shrunk
    where shrunk_log_odds is not null
    group by 1

),

final as (

    select
        shrunk.model_id,
        shrunk.rule_id,
        shrunk.kind,
        shrunk.group_id,
        shrunk.points,
        shrunk.contacts_matched,
        shrunk.evaluated_leads,
        shrunk.leads_matched,
        shrunk.converted_matched,
        shrunk.leads_unmatched,
        shrunk.converted_unmatched,
        {{ ratio('shrunk.converted_matched', 'shrunk.leads_matched') }} as conversion_rate_matched,
        {{ ratio('shrunk.converted_unmatched', 'shrunk.leads_unmatched') }} as conversion_rate_unmatched,
        {{ ratio(
            'shrunk.converted_matched * shrunk.evaluated_leads', 'shrunk.leads_matched * shrunk.converted_leads'
        ) }} as lift,
        round(shrunk.log_odds_ratio, 4) as log_odds_ratio,
        round(shrunk.log_odds_ratio / shrunk.log_odds_standard_error, 2) as z_score,
        round(shrunk.shrunk_log_odds, 4) as shrunk_log_odds,
        cast(round(shrunk.shrunk_log_odds * scales.points_per_log_odds, 0) as decimal(18, 2)) as suggested_points,
        shrunk.contacts_matched = 0 as is_never_fired,
        coalesce(
            shrunk.points * shrunk.log_odds_ratio < 0
            and abs(shrunk.log_odds_ratio / shrunk.log_odds_standard_error) >= 1.96,
            false
        ) as is_sign_suspect
    from shrunk
    left join scales
        on shrunk.model_id = scales.model_id

)

select * from final
