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

-- what one match adds to the aggregate: itself (count), its channel or its day (distinct)
counted_values as (

    select
        matches.model_id,
        matches.rule_id,
        matches.contact_id,
        matches.event_id,
        matches.occurred_at,
        rules.window_days,
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

-- count: every match is in the aggregate from its time until it leaves the window
count_changes as (

    select
        model_id,
        rule_id,
        contact_id,
        occurred_at as changed_at,
        1 as value_change
    from counted_values
    where aggregate = 'count'

    union all

    select
        model_id,
        rule_id,
        contact_id,
        {{ dbt.dateadd('day', 'window_days', 'occurred_at') }} as changed_at,
        -1 as value_change
    from counted_values
    where aggregate = 'count'
        and window_days is not null
        and {{ dbt.dateadd('day', 'window_days', 'occurred_at') }} <= {{ as_of_timestamp() }}

),

-- distinct values without a window count from their first match on
distinct_firsts as (

    select
        model_id,
        rule_id,
        contact_id,
        min(occurred_at) as changed_at,
        1 as value_change
    from counted_values
    where aggregate <> 'count'
        and window_days is null
    group by model_id, rule_id, contact_id, counted_value

),

-- with a window, a value is in the aggregate over islands of matches less than window_days apart
distinct_previous as (

    select
        *,
        lag(occurred_at) over (
            partition by model_id, rule_id, contact_id, counted_value
            order by occurred_at, event_id
        ) as previous_occurred_at
    from counted_values
    where aggregate <> 'count'
        and window_days is not null

),

distinct_islands as (

    select
        *,
        sum(
            case
                when previous_occurred_at is null then 1
                when occurred_at >= {{ dbt.dateadd('day', 'window_days', 'previous_occurred_at') }} then 1
                else 0
            end
        ) over (
            partition by model_id, rule_id, contact_id, counted_value
            order by occurred_at, event_id
            rows between unbounded preceding and current row
        ) as island_number
    from distinct_previous

),

island_spans as (

    select
        model_id,
        rule_id,
        contact_id,
        min(occurred_at) as started_at,
        {{ dbt.dateadd('day', 'max(window_days)', 'max(occurred_at)') }} as ended_at
    from distinct_islands
    group by model_id, rule_id, contact_id, counted_value, island_number

),

island_changes as (

    select
        model_id,
        rule_id,
        contact_id,
        started_at as changed_at,
        1 as value_change
    from island_spans

    union all

    select
        model_id,
        rule_id,
        contact_id,
        ended_at as changed_at,
        -1 as value_change
    from island_spans
    where ended_at <= {{ as_of_timestamp() }}

),

-- changes at the same moment need no merging: their effects on the condition add up
value_changes as (

    select * from count_changes
    union all
    select * from distinct_firsts
    union all
    select * from island_changes

),

running_values as (

    select
        *,
        sum(value_change) over (
            partition by model_id, rule_id, contact_id
            order by changed_at
            rows between unbounded preceding and current row
        ) as aggregate_value
    from value_changes

),

-- whether the condition holds after and before each change (before the first change: at zero)
held as (

    select
        rules.model_id,
        rules.rule_id,
        running_values.contact_id,
        running_values.changed_at,
        rules.points,
        case when {{ rule_condition_holds(
            'rules.operator', 'cast(running_values.aggregate_value as ' ~ dbt.type_string() ~ ')',
            'running_values.aggregate_value', 'rules.value_text', 'rules.value_number',
            'rules.value_low', 'rules.value_high'
        ) }} then 1 else 0 end as is_held,
        case when {{ rule_condition_holds(
            'rules.operator',
            'cast(running_values.aggregate_value - running_values.value_change as ' ~ dbt.type_string() ~ ')',
            'running_values.aggregate_value - running_values.value_change', 'rules.value_text',
            'rules.value_number', 'rules.value_low', 'rules.value_high'
        ) }} then 1 else 0 end as was_held
    from running_values
    inner join rules
        on running_values.model_id = rules.signature_model_id
        and running_values.rule_id = rules.signature_rule_id

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
