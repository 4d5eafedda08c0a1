{#- One query listing every problem of the scoring configuration (SPEC 3): seed_name, csv_line
    (null when unknown), row_key ('model_id=default, rule_id=pricing') and problem.
    `config` maps each config seed name to a relation (or subquery) holding its typed rows and a
    csv_line column. Used before the build by validate_scoring_config() and, on any engine, by the
    data test assert_scoring_config_is_valid. -#}
{% macro scoring_config_problems(config) %}
{%- set operators = ['eq', 'neq', 'in', 'not_in', 'contains', 'not_contains', 'starts_with',
                     'ends_with', 'gt', 'gte', 'lt', 'lte', 'between', 'is_set', 'is_not_set'] -%}
{%- set numeric_operators = ['gt', 'gte', 'lt', 'lte'] -%}
{%- set filter_attributes = ['url', 'form_id', 'campaign_id', 'content_id', 'source_system', 'channel'] -%}
{%- set stages = ['subscriber', 'lead', 'mql', 'sql', 'opportunity', 'customer'] -%}
{%- set sm = config['scoring_models'] -%}
{%- set sg = config['scoring_groups'] -%}
{%- set sr = config['scoring_rules'] -%}
{%- set si = config['scoring_inactivity'] -%}
{%- set gr = config['score_grades'] -%}
{%- set lt = config['lifecycle_thresholds'] -%}
{%- set fa = config['sales_feedback_actions'] -%}
{%- set ar = config['alert_rules'] -%}
{%- set reps = config['sales_reps'] -%}
{%- set et = config['event_types'] -%}

{%- set checks = [] -%}

{#- scoring_models -#}
{%- do checks.append(('scoring_models', ['model_id'], sm, "model_id is null", "'model_id is required'")) -%}
{%- do checks.append(('scoring_models', ['model_id'], sm,
    "model_id in (select model_id from " ~ sm ~ " group by 1 having count(*) > 1)",
    "'duplicate model_id ''' || model_id || ''''")) -%}
{%- do checks.append(('scoring_models', ['model_id'], sm, "min_score > max_score",
    "'min_score ' || cast(min_score as varchar) || ' is greater than max_score ' || cast(max_score as varchar)")) -%}

{#- scoring_groups -#}
{%- do checks.append(('scoring_groups', ['model_id', 'group_id'], sg, "group_id is null", "'group_id is required'")) -%}
{%- do checks.append(('scoring_groups', ['model_id', 'group_id'], sg,
    "model_id is null or model_id not in (select model_id from " ~ sm ~ " where model_id is not null)",
    "'unknown model ''' || coalesce(model_id, '') || ''' (not in scoring_models)'")) -%}
{%- do checks.append(('scoring_groups', ['model_id', 'group_id'], sg,
    "(model_id, group_id) in (select (model_id, group_id) from " ~ sg ~ " group by model_id, group_id having count(*) > 1)",
    "'duplicate group_id ''' || group_id || ''' in model ''' || model_id || ''''")) -%}
{%- do checks.append(('scoring_groups', ['model_id', 'group_id'], sg,
    "score_type is null or lower(trim(score_type)) not in ('fit', 'engagement')",
    "'unknown score_type ''' || coalesce(score_type, '') || ''' (expected fit or engagement)'")) -%}
{%- do checks.append(('scoring_groups', ['model_id', 'group_id'], sg,
    "lower(trim(score_type)) = 'fit' and (decay_percent is not null or decay_period_days is not null)",
    "'decay on a fit group: decay applies only to engagement groups'")) -%}
{%- do checks.append(('scoring_groups', ['model_id', 'group_id'], sg,
    "(decay_percent is null) <> (decay_period_days is null)",
    "'decay_percent and decay_period_days must be set together'")) -%}
{%- do checks.append(('scoring_groups', ['model_id', 'group_id'], sg,
    "decay_percent <= 0 or decay_percent > 100 or decay_period_days < 1",
    "'decay_percent must be in (0, 100] and decay_period_days at least 1'")) -%}
{%- do checks.append(('scoring_groups', ['model_id', 'group_id'], sg, "max_points < 0",
    "'max_points must not be negative'")) -%}

{#- scoring_rules -#}
{%- set rule_key = ['model_id', 'rule_id'] -%}
{%- for column in ['model_id', 'rule_id', 'group_id', 'kind', 'field', 'points'] -%}
    {%- do checks.append(('scoring_rules', rule_key, sr, column ~ " is null", "'" ~ column ~ " is required'")) -%}
{%- endfor -%}
{%- do checks.append(('scoring_rules', rule_key, sr,
    "model_id not in (select model_id from " ~ sm ~ " where model_id is not null)",
    "'unknown model ''' || model_id || ''' (not in scoring_models)'")) -%}
{%- do checks.append(('scoring_rules', rule_key, sr,
    "model_id in (select model_id from " ~ sm ~ ") and (model_id, group_id) not in (select (model_id, group_id) from " ~ sg ~ " where group_id is not null)",
    "'unknown group ''' || group_id || ''' (not in scoring_groups for model ''' || model_id || ''')'")) -%}
{%- do checks.append(('scoring_rules', rule_key, sr,
    "(model_id, rule_id) in (select (model_id, rule_id) from " ~ sr ~ " group by model_id, rule_id having count(*) > 1)",
    "'duplicate rule_id ''' || rule_id || ''' in model ''' || model_id || ''''")) -%}
{#- fct_lead_score_breakdown gives caps, the inactivity penalty, feedback and the clamp rows of
    their own under these rule ids: a rule of that name would share its row key -#}
{%- do checks.append(('scoring_rules', rule_key, sr,
    "rule_id in ('inactivity', 'sales_feedback', 'clamp') or starts_with(rule_id, 'cap:')",
    "'rule_id ''' || rule_id || ''' is reserved for the breakdown''s own rows (inactivity, sales_feedback, clamp, cap:<group>)'")) -%}
{%- do checks.append(('scoring_rules', rule_key, sr,
    "lower(trim(kind)) not in ('property', 'event', 'event_count')",
    "'unknown kind ''' || kind || ''' (expected property, event or event_count)'")) -%}
{%- do checks.append(('scoring_rules', rule_key, sr,
    "lower(trim(operator)) not in ('" ~ operators | join("', '") ~ "')",
    "'unknown operator ''' || operator || ''' (expected one of " ~ operators | join(', ') ~ ")'")) -%}
{%- do checks.append(('scoring_rules', rule_key, sr,
    "lower(trim(kind)) in ('property', 'event_count') and operator is null",
    "'operator is required for a ' || lower(trim(kind)) || ' rule'")) -%}
{%- do checks.append(('scoring_rules', rule_key, sr,
    "lower(trim(kind)) = 'event' and operator is not null and filter_field is null",
    "'an event rule with an operator needs a filter_field to apply it to'")) -%}
{%- do checks.append(('scoring_rules', rule_key, sr,
    "lower(trim(kind)) = 'event' and filter_field is not null and operator is null",
    "'filter_field ''' || filter_field || ''' needs an operator'")) -%}
{%- do checks.append(('scoring_rules', rule_key, sr,
    "lower(trim(operator)) in ('" ~ operators | reject('in', ['is_set', 'is_not_set']) | join("', '") ~ "') and value is null",
    "'operator ''' || lower(trim(operator)) || ''' needs a value'")) -%}
{%- do checks.append(('scoring_rules', rule_key, sr,
    "lower(trim(operator)) in ('" ~ numeric_operators | join("', '") ~ "') and try_cast(trim(value) as decimal(38, 18)) is null",
    "'operator ''' || lower(trim(operator)) || ''' needs a numeric value, got ''' || value || ''''")) -%}
{%- do checks.append(('scoring_rules', rule_key, sr,
    "lower(trim(operator)) = 'between' and (try_cast(trim(split_part(value, '|', 1)) as decimal(38, 18)) is null or try_cast(trim(split_part(value, '|', 2)) as decimal(38, 18)) is null or try_cast(trim(split_part(value, '|', 1)) as decimal(38, 18)) > try_cast(trim(split_part(value, '|', 2)) as decimal(38, 18)))",
    "'between needs ''low|high'' with low <= high, got ''' || value || ''''")) -%}
{%- do checks.append(('scoring_rules', rule_key, sr,
    "lower(trim(kind)) in ('event', 'event_count') and trim(field) <> '*' and lower(trim(field)) not in (select lower(trim(event_type)) from " ~ et ~ " where event_type is not null)",
    "'unknown event type ''' || field || ''' (not in event_types; * means every activity)'")) -%}
{%- do checks.append(('scoring_rules', rule_key, sr,
    "lower(trim(kind)) = 'event' and filter_field is not null and lower(trim(filter_field)) not in ('" ~ filter_attributes | join("', '") ~ "') and lower(trim(filter_field)) not like 'properties._%'",
    "'unknown filter_field ''' || filter_field || ''' (expected " ~ filter_attributes | join(', ') ~ " or properties.<key>)'")) -%}
{%- do checks.append(('scoring_rules', rule_key, sr,
    "lower(trim(kind)) = 'event_count' and filter_field is not null and (lower(split_part(trim(filter_field), ' ', 1)) not in ('" ~ filter_attributes | join("', '") ~ "') and lower(split_part(trim(filter_field), ' ', 1)) not like 'properties._%' or lower(split_part(trim(filter_field), ' ', 2)) not in ('" ~ operators | join("', '") ~ "'))",
    "'an event_count filter_field must read ''<attribute> <operator> <value>'', e.g. ''url contains /pricing'', got ''' || filter_field || ''''")) -%}
{%- do checks.append(('scoring_rules', rule_key, sr,
    "lower(trim(kind)) = 'event_count' and lower(trim(coalesce(aggregate, 'count'))) not in ('count', 'distinct_channels', 'distinct_days')",
    "'unknown aggregate ''' || aggregate || ''' (expected count, distinct_channels or distinct_days)'")) -%}
{%- do checks.append(('scoring_rules', rule_key, sr,
    "lower(trim(kind)) = 'property' and (window_days is not null or max_occurrences is not null or filter_field is not null or aggregate is not null)",
    "'a property rule takes no filter_field, aggregate, window_days or max_occurrences'")) -%}
{%- do checks.append(('scoring_rules', rule_key, sr,
    "lower(trim(kind)) = 'event_count' and max_occurrences is not null",
    "'max_occurrences applies to event rules, not event_count rules'")) -%}
{%- do checks.append(('scoring_rules', rule_key, sr, "max_occurrences < 1", "'max_occurrences must be at least 1'")) -%}
{%- do checks.append(('scoring_rules', rule_key, sr, "window_days < 1", "'window_days must be at least 1'")) -%}
{%- do checks.append(('scoring_rules', rule_key, sr,
    "lower(trim(kind)) = 'event' and window_days is not null and (model_id, group_id) in (select (model_id, group_id) from " ~ sg ~ " where decay_percent is not null)",
    "'window_days on an event rule in group ''' || group_id || ''', which decays: use either a window or decay'")) -%}

{#- scoring_inactivity -#}
{%- set inactivity_key = ['model_id', 'days_inactive'] -%}
{%- do checks.append(('scoring_inactivity', inactivity_key, si,
    "model_id is null or model_id not in (select model_id from " ~ sm ~ " where model_id is not null)",
    "'unknown model ''' || coalesce(model_id, '') || ''' (not in scoring_models)'")) -%}
{%- do checks.append(('scoring_inactivity', inactivity_key, si, "days_inactive is null or days_inactive < 1",
    "'days_inactive must be at least 1'")) -%}
{%- do checks.append(('scoring_inactivity', inactivity_key, si, "coalesce(penalty_points, 0) < 0",
    "'penalty_points must not be negative: the penalty is subtracted'")) -%}
{%- do checks.append(('scoring_inactivity', inactivity_key, si,
    "(model_id, days_inactive) in (select (model_id, days_inactive) from " ~ si ~ " group by model_id, days_inactive having count(*) > 1)",
    "'duplicate inactivity step ' || cast(days_inactive as varchar) || ' days in model ''' || model_id || ''''")) -%}

{#- score_grades -#}
{%- set grade_key = ['model_id', 'dimension', 'band'] -%}
{%- do checks.append(('score_grades', grade_key, gr,
    "model_id is null or model_id not in (select model_id from " ~ sm ~ " where model_id is not null)",
    "'unknown model ''' || coalesce(model_id, '') || ''' (not in scoring_models)'")) -%}
{%- do checks.append(('score_grades', grade_key, gr,
    "dimension is null or lower(trim(dimension)) not in ('fit', 'engagement')",
    "'unknown dimension ''' || coalesce(dimension, '') || ''' (expected fit or engagement)'")) -%}
{%- do checks.append(('score_grades', grade_key, gr, "band is null or min_points is null",
    "'band and min_points are required'")) -%}
{%- do checks.append(('score_grades', grade_key, gr,
    "(model_id, lower(trim(dimension)), band) in (select (model_id, lower(trim(dimension)), band) from " ~ gr ~ " group by 1 having count(*) > 1) or (model_id, lower(trim(dimension)), min_points) in (select (model_id, lower(trim(dimension)), min_points) from " ~ gr ~ " group by 1 having count(*) > 1)",
    "'duplicate band or min_points in the ' || dimension || ' bands of model ''' || model_id || ''''")) -%}

{#- lifecycle_thresholds -#}
{%- set threshold_key = ['model_id', 'stage'] -%}
{%- do checks.append(('lifecycle_thresholds', threshold_key, lt,
    "model_id is null or model_id not in (select model_id from " ~ sm ~ " where is_lifecycle_model)",
    "'model ''' || coalesce(model_id, '') || ''' is not the lifecycle model (is_lifecycle_model in scoring_models)'")) -%}
{%- do checks.append(('lifecycle_thresholds', threshold_key, lt,
    "stage is null or lower(trim(stage)) not in ('mql', 'sql')",
    "'unknown stage ''' || coalesce(stage, '') || ''' (expected mql or sql)'")) -%}
{%- do checks.append(('lifecycle_thresholds', threshold_key, lt, "min_score is null", "'min_score is required'")) -%}
{%- do checks.append(('lifecycle_thresholds', threshold_key, lt,
    "(model_id, lower(trim(stage))) in (select (model_id, lower(trim(stage))) from " ~ lt ~ " group by 1 having count(*) > 1)",
    "'duplicate threshold for stage ''' || stage || ''''")) -%}
{%- do checks.append(('lifecycle_thresholds', threshold_key, lt,
    "lower(trim(stage)) = 'mql' and min_score >= (select min(sql_rows.min_score) from " ~ lt ~ " as sql_rows where sql_rows.model_id = config_row.model_id and lower(trim(sql_rows.stage)) = 'sql')",
    "'mql threshold ' || cast(min_score as varchar) || ' must be below the sql threshold'")) -%}
{%- do checks.append(('lifecycle_thresholds', threshold_key, lt,
    "required_rule_id is not null and (model_id, trim(required_rule_id)) not in (select (model_id, rule_id) from " ~ sr ~ " where rule_id is not null)",
    "'unknown required_rule_id ''' || required_rule_id || ''' (not a rule of model ''' || model_id || ''')'")) -%}

{#- sales_feedback_actions -#}
{%- do checks.append(('sales_feedback_actions', ['feedback'], fa,
    "feedback is null or lower(trim(feedback)) not in ('sales_ready', 'not_ready', 'unqualified')",
    "'unknown feedback ''' || coalesce(feedback, '') || ''' (expected sales_ready, not_ready or unqualified)'")) -%}
{%- do checks.append(('sales_feedback_actions', ['feedback'], fa,
    "lower(trim(feedback)) in (select lower(trim(feedback)) from " ~ fa ~ " group by 1 having count(*) > 1)",
    "'duplicate feedback ''' || feedback || ''''")) -%}
{%- do checks.append(('sales_feedback_actions', ['feedback'], fa,
    "to_stage is not null and lower(trim(to_stage)) not in ('" ~ stages | join("', '") ~ "')",
    "'unknown to_stage ''' || to_stage || ''' (expected " ~ stages | join(', ') ~ ")'")) -%}

{#- alert_rules -#}
{%- do checks.append(('alert_rules', ['alert_type'], ar,
    "alert_type is null or lower(trim(alert_type)) not in ('mql', 'sql', 'score_spike')",
    "'unknown alert_type ''' || coalesce(alert_type, '') || ''' (expected mql, sql or score_spike)'")) -%}
{%- do checks.append(('alert_rules', ['alert_type'], ar,
    "lower(trim(alert_type)) in (select lower(trim(alert_type)) from " ~ ar ~ " group by 1 having count(*) > 1)",
    "'duplicate alert_type ''' || alert_type || ''''")) -%}
{%- do checks.append(('alert_rules', ['alert_type'], ar, "sla_hours is null or sla_hours < 0",
    "'sla_hours is required and must not be negative'")) -%}
{%- do checks.append(('alert_rules', ['alert_type'], ar,
    "lower(trim(alert_type)) = 'score_spike' and (coalesce(min_increase, 0) <= 0 or coalesce(within_days, 0) < 1)",
    "'score_spike needs min_increase > 0 and within_days >= 1'")) -%}

{#- sales_reps and event_types -#}
{%- do checks.append(('sales_reps', ['rep_id'], reps,
    "rep_id is null or rep_id in (select rep_id from " ~ reps ~ " group by 1 having count(*) > 1)",
    "'rep_id missing or duplicated'")) -%}
{%- do checks.append(('event_types', ['event_type'], et,
    "event_type is null or lower(trim(event_type)) in (select lower(trim(event_type)) from " ~ et ~ " group by 1 having count(*) > 1)",
    "'event_type missing or duplicated'")) -%}
{%- do checks.append(('event_types', ['event_type'], et, "channel is null", "'channel is required'")) -%}

with

problems as (

    {% for seed_name, key_columns, relation, condition, problem in checks %}
    select
        '{{ seed_name }}' as seed_name,
        csv_line,
        {{ config_row_key(key_columns) }} as row_key,
        {{ problem }} as problem
    from {{ relation }} as config_row
    where {{ condition }}
    union all
    {% endfor %}
    select
        'scoring_models' as seed_name,
        cast(null as integer) as csv_line,
        'all rows' as row_key,
        'no model has is_lifecycle_model = true: exactly one must' as problem
    from {{ sm }}
    having count(case when is_lifecycle_model then 1 end) = 0
    union all
    select
        'scoring_models' as seed_name,
        csv_line,
        {{ config_row_key(['model_id']) }} as row_key,
        'more than one model has is_lifecycle_model = true: exactly one must' as problem
    from {{ sm }}
    where is_lifecycle_model
        and (select count(*) from {{ sm }} where is_lifecycle_model) > 1

)

select * from problems

{% endmacro %}
