{#- One integer per contact and scoring model, for the windows of the score timeline (a faster
    sort than contact_id and model_id): contact_number * model_count + model_number, from
    int_contacts_accepted and stg_config__scoring_models (or a relation carrying their columns). -#}
{% macro score_key(contact_number, scoring_models) %}
    {{ contact_number }} * {{ scoring_models }}.model_count + {{ scoring_models }}.model_number
{%- endmacro %}

{#- The contact_number of a score_key: model_number < model_count, so the integer quotient
    (floor of an exact division: score keys are far below 2^53). -#}
{% macro contact_number_of_score_key(score_key, model_count) %}
    cast(floor({{ score_key }} / cast({{ model_count }} as double)) as bigint)
{%- endmacro %}
