{{ config(materialized='table') }}

{#- event_count rules over time: the aggregate (count | distinct_channels | distinct_days of the
    matching events inside window_days) changes when an event happens and when it leaves the
    window; the rule's points change whenever its condition starts or stops holding. A condition
    that holds at zero gives its points from created_at. Summing points_change up to any time T
    gives int_rule_points_from_event_counts at T. is_held_change (+1 / -1) tracks whether the
    condition holds, for lifecycle required rules. One row per model, contact, rule and change. -#}

with

matches as (

    select * from {{ ref('int_event_rule_matches') }}
    where kind = 'event_count'

),

-- rules that count the same thing (event type, filter, window, aggregate: e.g. 2-5 visits and
-- 6+ visits) share one aggregate, computed for the first of them (the signature rule)
rules as (

    select
        *,
        first_value(model_id) over signature as signature_model_id,
        first_value(rule_id) over signature as signature_rule_id
    from {{ ref('stg_config__scoring_rules') }}
    where kind = 'event_count'
    window signature as (
        partition by
            field, filter_attribute, filter_operator, filter_value_text, filter_value_number,
            filter_value_low, filter_value_high, window_days, aggregate
        order by model_id, rule_id
    )

),

contacts as (

    select
        contact_id,
        created_at
    from {{ ref('int_contacts_accepted') }}
    where created_at <= {{ as_of_timestamp() }}

),

-- the signature rule's matches; a window of null days never ends (a span longer than any data)
counted_values as (

    select
        matches.model_id,
        matches.rule_id,
        matches.contact_id,
        matches.rule_key,
        matches.event_id,
        matches.occurred_at,
        {{ epoch_microseconds('matches.occurred_at') }} as occurred_at_us,
        rules.window_days,
        coalesce(rules.window_days * cast(86400000000 as bigint), cast(100000000000000000 as bigint))
            as window_us,
        -- the farthest a frame reaches: matches less than window_days apart
        coalesce(rules.window_days * cast(86400000000 as bigint), cast(100000000000000000 as bigint)) - 1
            as window_reach_us,
        rules.aggregate,
        case rules.aggregate
            when 'distinct_channels' then matches.channel
            when 'distinct_days' then cast(cast(matches.occurred_at as date) as {{ dbt.type_string() }})
        end as counted_value
    from matches
    inner join rules
        on matches.model_id = rules.model_id
        and matches.rule_id = rules.rule_id
    where rules.model_id = rules.signature_model_id
        and rules.rule_id = rules.signature_rule_id

),

-- count: a match is in the aggregate from its time t until t + window_days. One sort gives, at each
-- match's time, the count after the moment and the count after expiries but before arrivals at
-- that moment, and at its expiry time the count before the moment and after the expiries only
-- (range frames: peers share them). A moment with arrivals and expiries is split into expiries,
-- then arrivals, so each part is emitted once (by the first match of its peers) and adds up.
count_windows as (

    select
        model_id,
        rule_id,
        contact_id,
        occurred_at,
        window_days,
        count(*) over (
            partition by rule_key order by occurred_at_us
            range between window_reach_us preceding and current row
        ) as value_after_arrivals,
        count(*) over (
            partition by rule_key order by occurred_at_us
            range between window_reach_us preceding and 1 preceding
        ) as value_before_arrivals,
        count(*) over (
            partition by rule_key order by occurred_at_us
            range between current row and window_reach_us following
        ) as value_before_expiries,
        count(*) over (
            partition by rule_key order by occurred_at_us
            range between 1 following and window_reach_us following
        ) as value_after_expiries,
        lag(occurred_at_us) over (partition by rule_key order by occurred_at_us) as previous_occurred_at_us,
        occurred_at_us
    from counted_values
    where aggregate = 'count'

),

count_changes as (

    select
        model_id,
        rule_id,
        contact_id,
        occurred_at as changed_at,
        value_after_arrivals as value_after,
        value_before_arrivals as value_before
    from count_windows
    where previous_occurred_at_us is null
        or previous_occurred_at_us <> occurred_at_us

    union all

    select
        model_id,
        rule_id,
        contact_id,
        {{ dbt.dateadd('day', 'window_days', 'occurred_at') }} as changed_at,
        value_after_expiries as value_after,
        value_before_expiries as value_before
    from count_windows
    where (previous_occurred_at_us is null or previous_occurred_at_us <> occurred_at_us)
        and window_days is not null
        and {{ dbt.dateadd('day', 'window_days', 'occurred_at') }} <= {{ as_of_timestamp() }}

),

-- distinct values: a value is in the aggregate over islands of its matches less than
-- window_days apart, from the island's first match until window_days after its last one
distinct_neighbours as (

    select
        model_id,
        rule_id,
        contact_id,
        rule_key,
        occurred_at,
        occurred_at_us,
        window_days,
        window_us,
        lag(occurred_at_us) over same_value as previous_occurred_at_us,
        lead(occurred_at_us) over same_value as next_occurred_at_us
    from counted_values
    where aggregate <> 'count'
    window same_value as (partition by rule_key, counted_value order by occurred_at_us, event_id)

),

island_changes as (

    select
        model_id,
        rule_id,
        contact_id,
        rule_key,
        occurred_at as changed_at,
        1 as value_change
    from distinct_neighbours
    where previous_occurred_at_us is null
        or occurred_at_us >= previous_occurred_at_us + window_us

    union all

    select
        model_id,
        rule_id,
        contact_id,
        rule_key,
        {{ dbt.dateadd('day', 'window_days', 'occurred_at') }} as changed_at,
        -1 as value_change
    from distinct_neighbours
    where window_days is not null
        and (next_occurred_at_us is null or next_occurred_at_us >= occurred_at_us + window_us)
        and {{ dbt.dateadd('day', 'window_days', 'occurred_at') }} <= {{ as_of_timestamp() }}

),

-- changes at the same moment need no merging: their effects on the condition add up
distinct_running as (

    select
        model_id,
        rule_id,
        contact_id,
        changed_at,
        sum(value_change) over (
            partition by rule_key
            order by changed_at
            rows between unbounded preceding and current row
        ) as value_after,
        value_change
    from island_changes

),

value_changes as (

    select * from count_changes

    union all

    select
        model_id,
        rule_id,
        contact_id,
        changed_at,
        value_after,
        value_after - value_change as value_before
    from distinct_running

),

-- whether the condition holds after and before each change (before the first change: at zero)
held as (

    select
        rules.model_id,
        rules.rule_id,
        value_changes.contact_id,
        value_changes.changed_at,
        rules.points,
        case when {{ rule_condition_holds(
            'rules.operator', 'cast(value_changes.value_after as ' ~ dbt.type_string() ~ ')',
            'value_changes.value_after', 'rules.value_text', 'rules.value_number',
            'rules.value_low', 'rules.value_high'
        ) }} then 1 else 0 end as is_held,
        case when {{ rule_condition_holds(
            'rules.operator', 'cast(value_changes.value_before as ' ~ dbt.type_string() ~ ')',
            'value_changes.value_before', 'rules.value_text', 'rules.value_number',
            'rules.value_low', 'rules.value_high'
        ) }} then 1 else 0 end as was_held
    from value_changes
    inner join rules
        on value_changes.model_id = rules.signature_model_id
        and value_changes.rule_id = rules.signature_rule_id
    where value_changes.value_after <> value_changes.value_before

),

held_changes as (

    select
        model_id,
        rule_id,
        contact_id,
        changed_at,
        points * (is_held - was_held) as points_change,
        is_held - was_held as is_held_change
    from held
    where is_held <> was_held

),

held_at_zero as (

    select
        rules.model_id,
        rules.rule_id,
        contacts.contact_id,
        contacts.created_at as changed_at,
        rules.points as points_change,
        1 as is_held_change
    from rules
    cross join contacts
    where {{ rule_condition_holds(
        'rules.operator', "'0'", '0', 'rules.value_text', 'rules.value_number',
        'rules.value_low', 'rules.value_high'
    ) }}

),

final as (

    select
        changes.model_id,
        changes.contact_id,
        changes.rule_id,
        rules.group_id,
        changes.changed_at,
        cast(changes.points_change as decimal(18, 2)) as points_change,
        cast(changes.is_held_change as integer) as is_held_change
    from (
        select * from held_changes
        union all
        select * from held_at_zero
    ) as changes
    inner join rules
        on changes.model_id = rules.model_id
        and changes.rule_id = rules.rule_id

)

select * from final
