{#- A fingerprint of the code that computes scores: every model's and seed's file checksum, the
    text of every macro of this project (a changed macro changes what the models compute, though
    not their files; any edit counts, a comment too) and the dbt version. A run whose code or
    config differs from the previous run's recomputes every contact. -#}
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
    {#- dbt's own macros (dateadd, ...) change with its version -#}
    {%- do checksums.append('dbt=' ~ dbt_version) -%}
    {#- graph holds no macros; the project's namespace in the context does -#}
    {%- set project_macros = context['lead_scoring'] -%}
    {%- for name in project_macros.keys() | sort -%}
        {%- do checksums.append(name ~ '=' ~ local_md5(project_macros[name].macro.macro_sql)) -%}
    {%- endfor -%}
    {{ return(local_md5(checksums | join(','))) }}
{%- endmacro %}
