{{ config(materialized='ephemeral') }}

{#- Accepted events that exist at as_of joined to the event and event_count rules they match:
    event type (field '*' = every is_activity type) and the filter, with the rule's settings and
    its group's decay (the only place rules are joined to their group's decay). window_days is
    left to the consumers: the scores at as_of apply it, the score timeline turns it into an
    expiry time. rule_key is one integer per rule and contact, for window partitions. Ephemeral:
    event rules are materialised once by int_event_rule_spans; event_count rules are aggregated
    without writing tens of millions of rows. One row per model, rule and matching event. -#}

-- incremental runs recompute only the contacts of int_contacts_to_score
-- depends_on: {{ ref('int_contacts_to_score') }}

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

events as (

    select
        contact_id,
        contact_number,
        event_id,
        event_type,
        channel,
        occurred_at,
        -- normalised once per event, not once per event and rule (a page view meets every url rule)
        {{ normalize_text('url') }} as url_text,
        {{ normalize_text('form_id') }} as form_id_text,
        {{ normalize_text('campaign_id') }} as campaign_id_text,
        {{ normalize_text('content_id') }} as content_id_text,
        source_system,
        properties,
        {{ age_in_days('occurred_at', as_of_timestamp()) }} as age_days
    from {{ ref('int_events_validated') }}
    where {{ is_contact_to_score('contact_number', 'contact_number') }}
        and reject_reason is null
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
        rules.group_id,
        rules.aggregate,
        rules.max_occurrences,
        rules.points,
        rules.window_days,
        rules.rule_number,
        events.contact_number,
        events.contact_number * rules.rule_count + rules.rule_number as rule_key,
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
        -- (no filter: no value, so rules without one never parse the JSON)
        case
            when rules.filter_attribute is null then null
            when rules.filter_attribute = 'url' then events.url_text
            when rules.filter_attribute = 'form_id' then events.form_id_text
            when rules.filter_attribute = 'campaign_id' then events.campaign_id_text
            when rules.filter_attribute = 'content_id' then events.content_id_text
            else {{ normalize_text("case
                when rules.filter_attribute = 'source_system' then events.source_system
                when rules.filter_attribute = 'channel' then events.channel
                else " ~ json_text_value('events.properties', 'substring(rules.filter_attribute, 12)') ~ "
            end") }}
        end as filter_subject
    from events
    inner join rules_by_event_type as rules
        on events.event_type = rules.event_type

),

matched_events as (

    select
        model_id,
        rule_id,
        kind,
        group_id,
        aggregate,
        contact_id,
        contact_number,
        rule_number,
        rule_key,
        event_id,
        occurred_at,
        channel,
        points,
        max_occurrences,
        window_days,
        decay_percent,
        decay_period_days,
        age_days,
        -- events of one decay step share a weight, so they are counted per step, not one by one
        case
            when kind = 'event' and decay_percent is not null and decay_period_days is not null
                then cast(floor(age_days / decay_period_days) as integer)
            else 0
        end as decay_step
    from events_joined_to_rules
    where filter_attribute is null
        or {{ rule_condition_holds(
            'filter_operator', 'filter_subject', try_cast('filter_subject', 'decimal(38, 18)'),
            'filter_value_text', 'filter_value_number', 'filter_value_low', 'filter_value_high'
        ) }}

)

select * from matched_events
