{{ config(materialized='table') }}

{#- Event and event_count rules (SPEC 4) over the accepted events that exist at as_of.
    event: the max_occurrences most recent matching events (ties by event_id) each give
    points x w, w = max(0, 1 - decay_percent/100 * floor(age_days / decay_period_days)).
    event_count: count | distinct_channels | distinct_days of the matching events; when
    operator/value holds for that number, points once, no decay.
    One row per model, contact and matched event / event_count rule. -#}

with

rules as (

    select
        rules.*,
        scoring_groups.decay_percent,
        scoring_groups.decay_period_days
    from {{ ref('stg_config__scoring_rules') }} as rules
    inner join {{ ref('stg_config__scoring_groups') }} as scoring_groups
        on rules.model_id = scoring_groups.model_id
        and rules.group_id = scoring_groups.group_id
    where rules.kind in ('event', 'event_count')

),

event_types as (

    select * from {{ ref('stg_config__event_types') }}

),

contacts as (

    select contact_id from {{ ref('int_contacts_accepted') }}
    where created_at <= {{ as_of_timestamp() }}

),

events as (

    select
        contact_id,
        event_id,
        event_type,
        channel,
        occurred_at,
        url,
        form_id,
        campaign_id,
        content_id,
        source_system,
        properties,
        {{ age_in_days('occurred_at', as_of_timestamp()) }} as age_days
    from {{ ref('int_events_validated') }}
    where reject_reason is null
        and occurred_at <= {{ as_of_timestamp() }}

),

-- field '*' means every is_activity event type: expand it so events join rules on one equality
rules_by_event_type as (

    select
        rules.*,
        rules.field as event_type
    from rules
    where rules.field <> '*'

    union all

    select
        rules.*,
        event_types.event_type
    from rules
    cross join event_types
    where rules.field = '*'
        and event_types.is_activity

),

events_joined_to_rules as (

    select
        rules.model_id,
        rules.rule_id,
        rules.kind,
        rules.max_occurrences,
        rules.points,
        rules.window_days,
        rules.decay_percent,
        rules.decay_period_days,
        rules.filter_attribute,
        rules.filter_operator,
        rules.filter_value_text,
        rules.filter_value_number,
        rules.filter_value_low,
        rules.filter_value_high,
        events.contact_id,
        events.event_id,
        events.occurred_at,
        events.channel,
        events.age_days,
        -- the event attribute a rule filters on (properties.<key> reads the JSON properties)
        {{ normalize_text("case rules.filter_attribute
            when 'url' then events.url
            when 'form_id' then events.form_id
            when 'campaign_id' then events.campaign_id
            when 'content_id' then events.content_id
            when 'source_system' then events.source_system
            when 'channel' then events.channel
            else " ~ json_text_value('events.properties', 'substring(rules.filter_attribute, 12)') ~ "
        end") }} as filter_subject
    from events
    inner join rules_by_event_type as rules
        on events.event_type = rules.event_type
    where rules.window_days is null or events.age_days < rules.window_days

),

matched_events as (

    select
        model_id,
        rule_id,
        kind,
        max_occurrences,
        points,
        contact_id,
        event_id,
        occurred_at,
        channel,
        age_days,
        case
            when decay_percent is null or decay_period_days is null then 1
            else greatest(0, 1 - decay_percent * 0.01 * floor(age_days / decay_period_days))
        end as decay_weight
    from events_joined_to_rules
    where filter_attribute is null
        or {{ rule_condition_holds(
            'filter_operator', 'filter_subject', try_cast('filter_subject', 'decimal(38, 6)'),
            'filter_value_text', 'filter_value_number', 'filter_value_low', 'filter_value_high'
        ) }}

),

-- only rules with max_occurrences need a recency rank
ranked_events as (

    select
        *,
        row_number() over (
            partition by model_id, rule_id, contact_id
            order by occurred_at desc, event_id asc
        ) <= max_occurrences as is_counted
    from matched_events
    where kind = 'event'
        and max_occurrences is not null

    union all

    select
        *,
        true as is_counted
    from matched_events
    where kind = 'event'
        and max_occurrences is null

),

event_rule_points as (

    select
        model_id,
        contact_id,
        rule_id,
        count(*) as matched_events,
        sum(case when is_counted then 1 else 0 end) as counted_events,
        round(sum(case when is_counted then points * decay_weight else 0 end), 2) as points,
        min(case when is_counted then decay_weight end) as min_decay_weight,
        max(occurred_at) as last_event_at
    from ranked_events
    group by 1, 2, 3

),

event_counts as (

    select
        model_id,
        contact_id,
        rule_id,
        count(*) as matched_events,
        count(distinct channel) as distinct_channels,
        count(distinct cast(occurred_at as date)) as distinct_days,
        max(occurred_at) as last_event_at
    from matched_events
    where kind = 'event_count'
    group by 1, 2, 3

),

-- a condition such as "fewer than 2 opens" also holds for contacts with no matching event
event_count_rules_holding_at_zero as (

    select
        rules.model_id,
        rules.rule_id
    from rules
    where rules.kind = 'event_count'
        and {{ rule_condition_holds(
            'rules.operator', "'0'", '0', 'rules.value_text', 'rules.value_number',
            'rules.value_low', 'rules.value_high'
        ) }}

),

event_counts_with_zeros as (

    select
        model_id,
        contact_id,
        rule_id,
        matched_events,
        distinct_channels,
        distinct_days,
        last_event_at
    from event_counts

    union all

    select
        zero_rules.model_id,
        contacts.contact_id,
        zero_rules.rule_id,
        0 as matched_events,
        0 as distinct_channels,
        0 as distinct_days,
        cast(null as {{ dbt.type_timestamp() }}) as last_event_at
    from event_count_rules_holding_at_zero as zero_rules
    cross join contacts
    left join event_counts
        on zero_rules.model_id = event_counts.model_id
        and zero_rules.rule_id = event_counts.rule_id
        and contacts.contact_id = event_counts.contact_id
    where event_counts.contact_id is null

),

event_count_values as (

    select
        event_counts.*,
        case rules.aggregate
            when 'distinct_channels' then event_counts.distinct_channels
            when 'distinct_days' then event_counts.distinct_days
            else event_counts.matched_events
        end as aggregate_value
    from event_counts_with_zeros as event_counts
    inner join rules
        on event_counts.model_id = rules.model_id
        and event_counts.rule_id = rules.rule_id

),

event_count_rule_points as (

    select
        event_count_values.model_id,
        event_count_values.contact_id,
        event_count_values.rule_id,
        event_count_values.matched_events,
        event_count_values.aggregate_value,
        rules.points,
        event_count_values.last_event_at
    from event_count_values
    inner join rules
        on event_count_values.model_id = rules.model_id
        and event_count_values.rule_id = rules.rule_id
    where {{ rule_condition_holds(
        'rules.operator',
        'cast(event_count_values.aggregate_value as ' ~ dbt.type_string() ~ ')',
        'event_count_values.aggregate_value',
        'rules.value_text', 'rules.value_number', 'rules.value_low', 'rules.value_high'
    ) }}

),

rule_descriptions as (

    select
        model_id,
        rule_id,
        group_id,
        case when field = '*' then 'activity' else field end || ' events'
        || coalesce(
            ' where ' || filter_attribute || ' ' || filter_operator
            || coalesce(' ''' || filter_value_text || '''', ''),
            ''
        )
        || coalesce(' in the last ' || cast(window_days as {{ dbt.type_string() }}) || ' days', '')
            as event_description
    from rules

),

final as (

    select
        event_rule_points.model_id,
        event_rule_points.contact_id,
        event_rule_points.rule_id,
        rule_descriptions.group_id,
        cast(event_rule_points.matched_events as integer) as matched_events,
        event_rule_points.points,
        cast(event_rule_points.counted_events as {{ dbt.type_string() }}) || ' of '
        || cast(event_rule_points.matched_events as {{ dbt.type_string() }}) || ' '
        || rule_descriptions.event_description || ' counted'
        || case when event_rule_points.min_decay_weight < 1 then ', decayed by age' else '' end
        || ', latest ' || cast(cast(event_rule_points.last_event_at as date) as {{ dbt.type_string() }})
            as reason
    from event_rule_points
    inner join rule_descriptions
        on event_rule_points.model_id = rule_descriptions.model_id
        and event_rule_points.rule_id = rule_descriptions.rule_id

    union all

    select
        event_count_rule_points.model_id,
        event_count_rule_points.contact_id,
        event_count_rule_points.rule_id,
        rule_descriptions.group_id,
        cast(event_count_rule_points.matched_events as integer) as matched_events,
        event_count_rule_points.points,
        rules.aggregate || ' of ' || rule_descriptions.event_description || ' = '
        || cast(event_count_rule_points.aggregate_value as {{ dbt.type_string() }})
        || ' (' || rules.operator || coalesce(' ' || rules.value_text, '') || ')' as reason
    from event_count_rule_points
    inner join rule_descriptions
        on event_count_rule_points.model_id = rule_descriptions.model_id
        and event_count_rule_points.rule_id = rule_descriptions.rule_id
    inner join rules
        on event_count_rule_points.model_id = rules.model_id
        and event_count_rule_points.rule_id = rules.rule_id

)

select * from final
