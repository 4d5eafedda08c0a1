{#- The lifecycle stage that counts as a conversion in the tuning reports: var('conversion_stage'),
    one of sql, opportunity, customer. Anything else stops the build with a message. -#}
{% macro conversion_stage() %}
    {%- set stage = var('conversion_stage', 'customer') | string | trim | lower -%}
    {%- if stage not in ['sql', 'opportunity', 'customer'] -%}
        {{ exceptions.raise_compiler_error(
            "var conversion_stage must be sql, opportunity or customer, not '" ~ var('conversion_stage') ~ "'"
        ) }}
    {%- endif -%}
    {{ return(stage) }}
{%- endmacro %}
