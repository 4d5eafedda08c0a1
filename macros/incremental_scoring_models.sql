{#- The per-contact models (incremental, strategy replace_contacts) and the event store: an
    incremental run needs every one of them already built. -#}
{% macro incremental_scoring_models() %}
    {%- set names = [] -%}
    {%- if not execute -%}
        {{ return(names) }}
    {%- endif -%}
    {%- for node in graph.nodes.values() -%}
        {%- if node.resource_type == 'model' and node.package_name == 'lead_scoring'
            and node.config.materialized == 'incremental' -%}
            {%- do names.append(node.name) -%}
        {%- endif -%}
    {%- endfor -%}
    {{ return(names | sort) }}
{% endmacro %}
