{#- The loaded configuration seeds break no SPEC 3 rule (on DuckDB the same checks already ran
    before the build, on the CSV files; this test keeps them on every engine). -#}
{%- set config = {} -%}
{%- for seed_name in config_seed_keys() -%}
    {%- do config.update({seed_name: '(select cast(null as integer) as csv_line, * from ' ~ ref(seed_name) ~ ')'}) -%}
{%- endfor -%}

{{ scoring_config_problems(config) }}
