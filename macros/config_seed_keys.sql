{#- The configuration seeds of SPEC 3 with the columns that name one of their rows in errors. -#}
{% macro config_seed_keys() %}
    {{ return({
        'event_types': ['event_type'],
        'scoring_models': ['model_id'],
        'scoring_groups': ['model_id', 'group_id'],
        'scoring_rules': ['model_id', 'rule_id'],
        'scoring_inactivity': ['model_id', 'days_inactive'],
        'score_grades': ['model_id', 'dimension', 'band'],
        'lifecycle_thresholds': ['model_id', 'stage'],
        'sales_feedback_actions': ['feedback'],
        'alert_rules': ['alert_type'],
        'sales_reps': ['rep_id'],
    }) }}
{% endmacro %}
