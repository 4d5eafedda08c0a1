with

rules as (

    select * from {{ ref('scoring_rules') }}

),

normalized as (

    select
        trim(model_id) as model_id,
        trim(rule_id) as rule_id,
        trim(group_id) as group_id,
        lower(trim(kind)) as kind,
        -- property name or event type; '*' = every is_activity event
        lower(trim(field)) as field,
        -- not lower-cased: a properties.<key> keeps its case (JSON keys are case-sensitive)
        {{ clean_text('filter_field') }} as filter_field,
        {{ normalize_text('operator') }} as operator,
        -- list and range items are compared trimmed: 'a | b' means 'a|b'; any other operator
        -- compares the value as written ('Foo | Bar' holds a pipe)
        case
            when {{ normalize_text('operator') }} in ('in', 'not_in', 'between')
                then {{ trim_list_separators(normalize_text('value')) }}
            else {{ normalize_text('value') }}
        end as value_text,
        coalesce({{ normalize_text('aggregate') }}, 'count') as aggregate,
        points,
        max_occurrences,
        window_days,
        description
    from rules

),

-- The event filter: for event rules filter_field names the attribute and operator/value test it;
-- event_count rules test the aggregate with operator/value, so their filter is written whole in
-- filter_field as '<attribute> <operator> <value>', e.g. 'url contains /pricing'.
filters as (

    select
        *,
        case
            when kind = 'event_count' then {{ dbt.split_part('filter_field', "' '", 1) }}
            else filter_field
        end as attribute_text,
        case
            when kind = 'event_count' then nullif(lower({{ dbt.split_part('filter_field', "' '", 2) }}), '')
            else operator
        end as filter_operator,
        case
            when kind = 'event_count'
                then nullif(lower(trim(substring(
                        filter_field,
                        length({{ dbt.split_part('filter_field', "' '", 1) }})
                        + length({{ dbt.split_part('filter_field', "' '", 2) }}) + 2
                    ))), '')
            else value_text
        end as filter_value_written
    from normalized

),

-- the attribute's name lower-cased, a JSON key as written: 'Properties.planType' -> 'properties.planType'
attributes as (

    select
        *,
        case
            when lower(attribute_text) like 'properties.%'
                then 'properties.' || substring(attribute_text, 12)
            else lower(attribute_text)
        end as filter_attribute,
        case
            when filter_operator in ('in', 'not_in', 'between')
                then {{ trim_list_separators('filter_value_written') }}
            else filter_value_written
        end as filter_value_text
    from filters

),

final as (

    select
        *,
        -- 0, 1, 2 ... in (model_id, rule_id) order, and how many: window models partition by
        -- one integer per rule and contact (contact_number * rule_count + rule_number)
        row_number() over (order by model_id, rule_id) - 1 as rule_number,
        count(*) over () as rule_count,
        {{ try_cast('value_text', 'decimal(38, 18)') }} as value_number,
        {{ try_cast(dbt.split_part('value_text', "'|'", 1), 'decimal(38, 18)') }} as value_low,
        {{ try_cast(dbt.split_part('value_text', "'|'", 2), 'decimal(38, 18)') }} as value_high,
        {{ try_cast('filter_value_text', 'decimal(38, 18)') }} as filter_value_number,
        {{ try_cast(dbt.split_part('filter_value_text', "'|'", 1), 'decimal(38, 18)') }}
            as filter_value_low,
        {{ try_cast(dbt.split_part('filter_value_text', "'|'", 2), 'decimal(38, 18)') }}
            as filter_value_high
    from attributes

)

select * from final
