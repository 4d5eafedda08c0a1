-- The scoring_rules seed with every rule's points replaced by rpt_rule_calibration's suggestion,
-- in the seed's own columns: save it as a new config folder's scoring_rules.csv to try it.
-- Rules without a suggestion (never matched by a judged lead, or matched by all) keep their points.
--   dbt show --select calibrated_scoring_rules --limit 1000   (or dbt compile and run the SQL)

with

rules as (

    select * from {{ ref('scoring_rules') }}

),

calibration as (

    select * from {{ ref('rpt_rule_calibration') }}

),

final as (

    select
        rules.model_id,
        rules.rule_id,
        rules.group_id,
        rules.kind,
        rules.field,
        rules.filter_field,
        rules.operator,
        rules.value,
        rules.aggregate,
        coalesce(calibration.suggested_points, rules.points) as points,
        rules.max_occurrences,
        rules.window_days,
        rules.description
    from rules
    left join calibration
        on trim(rules.model_id) = calibration.model_id
        and trim(rules.rule_id) = calibration.rule_id

)

select * from final
