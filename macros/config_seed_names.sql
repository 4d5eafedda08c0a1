{#- The configuration seeds of SPEC 3, validated together before anything is built. -#}
{% macro config_seed_names() %}
    {{ return(['event_types', 'scoring_models', 'scoring_groups', 'scoring_rules', 'scoring_inactivity',
               'score_grades', 'lifecycle_thresholds', 'sales_feedback_actions', 'alert_rules',
               'sales_reps']) }}
{% endmacro %}
