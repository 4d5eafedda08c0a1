{#- True when a kept-history model computes a recomputed contact's rows only from where the run
    replaces them, resuming from its stored rows, instead of its whole history: in an incremental
    run, unless var verify_kept_history asks to compare the kept rows with a full recomputation. -#}
{% macro resumes_kept_history() %}
    {{ return(recomputes_changes_only() and not is_kept_history_verified()) }}
{% endmacro %}
