{#- A fingerprint of the code that computes scores: every model's and seed's file checksum. A run
    whose code or config differs from the previous run's recomputes every contact. -#}
{% macro scoring_code_version() -%}
    {%- if not execute -%}
        {{ return('') }}
    {%- endif -%}
    {%- set checksums = [] -%}
    {%- for node in graph.nodes.values() | sort(attribute='unique_id') -%}
        {%- if node.resource_type in ['model', 'seed'] and node.package_name == 'lead_scoring' -%}
            {%- do checksums.append(node.unique_id ~ '=' ~ node.checksum.checksum) -%}
        {%- endif -%}
    {%- endfor -%}
    {{ return(local_md5(checksums | join(','))) }}
{%- endmacro %}
