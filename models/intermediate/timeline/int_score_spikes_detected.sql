{{ config(
    materialized='incremental',
    incremental_strategy='replace_contacts',
    replaced_from_column='triggered_at',
    on_schema_change='fail',
) }}

{#- Score spikes (SPEC 6) of the lifecycle model: moments where the total score rises to at least
    min_increase above its lowest value of the previous within_days days (a moment where it falls,
    e.g. an unsubscribe, is no spike even when the score is still that far above its low). At most one spike per
    contact per within_days: the first one counts, then the first one within_days or more after it,
    and so on. Excluded contacts get no spike alerts. One row per contact and spike. -#}

-- incremental runs recompute only the contacts of int_contacts_to_score
-- depends_on: {{ ref('int_contacts_to_score') }}

with recursive

spike_rule as (

    select * from {{ ref('stg_config__alert_rules') }}
    where alert_type = 'score_spike'

),

contacts as (

    select * from {{ ref('int_contacts_accepted') }}
    where {{ is_contact_to_score() }}
        and not is_excluded

),

lifecycle_timeline as (

    select timeline.*
    from {{ ref('int_lead_score_timeline') }} as timeline
    inner join {{ ref('stg_config__scoring_models') }} as scoring_models
        on timeline.model_id = scoring_models.model_id
        and scoring_models.is_lifecycle_model
    -- moments where the score changed (not a deal or conversion marker that changes nothing)
    where {{ is_contact_to_score('timeline.contact_id') }}
        and timeline.has_score_change

),

-- a contact whose score never spans min_increase cannot spike: the windows skip it (read from
-- the table: a second reader of lifecycle_timeline would materialise it whole)
spanning_contacts as (

    select timeline.score_key
    from {{ ref('int_lead_score_timeline') }} as timeline
    inner join {{ ref('stg_config__scoring_models') }} as scoring_models
        on timeline.model_id = scoring_models.model_id
        and scoring_models.is_lifecycle_model
    inner join contacts
        on timeline.contact_id = contacts.contact_id
    cross join spike_rule
    where {{ is_contact_to_score('timeline.contact_id') }}
        and timeline.has_score_change
    group by timeline.score_key
    having max(timeline.total_score) - min(timeline.total_score) >= min(spike_rule.min_increase)

),

-- integers, scores and the rule only: the windows below carry every column (names are joined to
-- the few spikes)
timeline as (

    select
        lifecycle_timeline.score_key,
        lifecycle_timeline.changed_at,
        lifecycle_timeline.total_score,
        -- score_key: one integer per contact of the lifecycle model (a faster sort than contact_id)
        lag(lifecycle_timeline.total_score) over (
            partition by lifecycle_timeline.score_key
            order by {{ epoch_microseconds('lifecycle_timeline.changed_at') }}
        ) as previous_total_score,
        {{ epoch_microseconds('lifecycle_timeline.changed_at') }} as changed_at_us,
        spike_rule.min_increase,
        spike_rule.within_days,
        spike_rule.within_days * 86400000000 as within_us,
        -- the span [t - within_days, t] holds the score as it is at t - within_days: a change at
        -- exactly that time is its start, and the score before it lies outside
        spike_rule.within_days * 86400000000 - 1 as within_reach_us
    from lifecycle_timeline
    inner join spanning_contacts
        on lifecycle_timeline.score_key = spanning_contacts.score_key
    cross join spike_rule

),

-- the lowest score over [t - within_days, t]: the scores before each change after its start
rises as (

    select
        score_key,
        changed_at,
        total_score,
        previous_total_score,
        min_increase,
        changed_at_us,
        within_us,
        min(previous_total_score) over (
            partition by score_key order by changed_at_us range between within_reach_us preceding and current row
        ) as lowest_total_score
    from timeline

),

candidates as (

    select
        score_key,
        changed_at,
        total_score,
        lowest_total_score,
        changed_at_us,
        within_us,
        row_number() over (partition by score_key order by changed_at) as candidate_number
    from rises
    where total_score - lowest_total_score >= min_increase
        and total_score > previous_total_score

),

-- the first candidate at least within_days after each one: the next spike if this one counts
with_next as (

    select
        *,
        min(candidate_number) over (
            partition by score_key order by changed_at_us range between within_us following and unbounded following
        ) as next_candidate_number
    from candidates

),

spikes as (

    select * from with_next
    where candidate_number = 1

    union all

    select with_next.*
    from spikes
    inner join with_next
        on spikes.score_key = with_next.score_key
        and spikes.next_candidate_number = with_next.candidate_number

),

model_counts as (

    select max(model_count) as model_count from {{ ref('stg_config__scoring_models') }}

),

final as (

    select
        contacts.contact_id,
        spikes.changed_at as triggered_at,
        spikes.total_score,
        spikes.lowest_total_score
    from spikes
    cross join model_counts
    inner join contacts
        on {{ contact_number_of_score_key('spikes.score_key', 'model_counts.model_count') }} = contacts.contact_number

)

select * from final
