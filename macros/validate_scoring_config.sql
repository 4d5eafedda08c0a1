{#- on-run-start: read the configuration seed CSVs as they are on disk now (not the tables an
    earlier `dbt seed` loaded), check every value against the seed's column_types and every SPEC 3
    rule, and stop the run before any node is built when something is wrong, with one line per
    problem naming the seed file, the line, the row and the problem. -#}
{% macro validate_scoring_config() %}
    {{ return(adapter.dispatch('validate_scoring_config', 'lead_scoring')()) }}
{% endmacro %}

{% macro default__validate_scoring_config() %}
    {#- Elsewhere the data test assert_scoring_config_is_valid checks the loaded seeds. -#}
    select 1
{% endmacro %}

{% macro duckdb__validate_scoring_config() %}
    {%- if not execute -%}
        {{ return('select 1') }}
    {%- endif -%}
    {%- set seeds = {} -%}
    {%- for node in graph.nodes.values() if node.resource_type == 'seed' and node.name in config_seed_keys() -%}
        {%- do seeds.update({node.name: node}) -%}
    {%- endfor -%}
    {#- dbt writes each seed's executed SQL to target/run/<project>/<seed path>: for an absolute
        config folder that path is the seed CSV itself (it would be overwritten), and a folder
        climbing more than two levels out of the project lands outside target/. Refuse both. -#}
    {%- for node in seeds.values() -%}
        {%- set climbing = namespace(levels=0) -%}
        {%- set kept = [] -%}
        {%- for part in node.original_file_path.replace('\\', '/').split('/') -%}
            {%- if part == '..' -%}
                {%- if kept -%}{%- do kept.pop() -%}{%- else -%}{%- set climbing.levels = climbing.levels + 1 -%}{%- endif -%}
            {%- elif part not in ['', '.'] -%}
                {%- do kept.append(part) -%}
            {%- endif -%}
        {%- endfor -%}
        {%- if node.original_file_path.startswith('/') or ':' in node.original_file_path or climbing.levels > 2 -%}
            {{ exceptions.raise_compiler_error(
                "LEAD_SCORING_CONFIG_DIR = '" ~ env_var('LEAD_SCORING_CONFIG_DIR', 'seeds')
                ~ "' is not allowed: use a folder relative to the project directory (e.g. "
                ~ "examples/bank_marketing/config), at most two levels above it. dbt writes each seed's "
                ~ "SQL to target/run/<project>/<seed path>, which for this folder is "
                ~ ("the seed CSV itself: it would overwrite your configuration." if node.original_file_path.startswith('/') or ':' in node.original_file_path else "outside target/.")) }}
        {%- endif -%}
    {%- endfor -%}
    {%- set problems = [] -%}
    {%- set relations = {} -%}
    {%- for seed_name in config_seed_keys() -%}
        {%- if seed_name not in seeds -%}
            {%- do problems.append(env_var('LEAD_SCORING_CONFIG_DIR', 'seeds') ~ '/' ~ seed_name ~ '.csv: file not found') -%}
            {%- continue -%}
        {%- endif -%}
        {%- set node = seeds[seed_name] -%}
        {%- set path = node.root_path ~ '/' ~ node.original_file_path -%}
        {%- set column_types = node.config.column_types -%}
        {%- set raw_table = 'config_check_raw_' ~ seed_name -%}
        {#- line numbers: the header is line 1; a small CSV is read in order -#}
        {%- do run_query(
            "create or replace temp table " ~ raw_table ~ " as select row_number() over () + 1 as csv_line, * "
            ~ "from read_csv('" ~ path ~ "', header = true, all_varchar = true, auto_detect = true, comment = '')") -%}
        {%- set present = run_query('describe ' ~ raw_table).columns[0].values() | map('lower') | list -%}
        {%- set missing = [] -%}
        {%- for column in column_types if column not in present -%}
            {%- do missing.append(column) -%}
        {%- endfor -%}
        {%- if missing -%}
            {%- do problems.append(node.original_file_path ~ ': missing column(s) ' ~ missing | join(', ')) -%}
            {%- continue -%}
        {%- endif -%}
        {#- a value that does not fit the seed's column type (e.g. points = 'ten'), or that the
            type would round (window_days = '7.5' loads as 8, points = '1.005' as 1.01) -#}
        {%- set type_checks = [] -%}
        {%- for column, data_type in column_types.items() -%}
            {%- set typed = "try_cast(trim(" ~ column ~ ") as " ~ data_type ~ ")" -%}
            {%- set rounded = ("or try_cast(trim(" ~ column ~ ") as decimal(38, 18)) <> " ~ typed)
                if modules.re.match('(integer|decimal)', data_type | lower) else '' -%}
            {%- do type_checks.append(
                "select csv_line, " ~ config_row_key(config_seed_keys()[seed_name]) ~ " as row_key, '"
                ~ column ~ " = ''' || " ~ column ~ " || ''' is not a valid " ~ data_type ~ "' as problem "
                ~ "from " ~ raw_table ~ " where " ~ column ~ " is not null and (" ~ typed ~ " is null " ~ rounded ~ ")") -%}
        {%- endfor -%}
        {%- for row in run_query(type_checks | join(' union all ') ~ ' order by 1').rows -%}
            {%- do problems.append(node.original_file_path ~ ' line ' ~ row[0] ~ ' (' ~ row[1] ~ '): ' ~ row[2]) -%}
        {%- endfor -%}
        {%- set typed_columns = [] -%}
        {%- for column, data_type in column_types.items() -%}
            {%- if data_type | lower == 'varchar' -%}
                {%- do typed_columns.append('nullif(trim(' ~ column ~ "), '') as " ~ column) -%}
            {%- else -%}
                {%- do typed_columns.append('try_cast(trim(' ~ column ~ ') as ' ~ data_type ~ ') as ' ~ column) -%}
            {%- endif -%}
        {%- endfor -%}
        {%- do run_query(
            'create or replace temp table config_check_' ~ seed_name ~ ' as select csv_line, '
            ~ typed_columns | join(', ') ~ ' from ' ~ raw_table) -%}
        {%- do relations.update({seed_name: 'config_check_' ~ seed_name}) -%}
    {%- endfor -%}
    {#- rule checks run whenever every seed could be read; type errors read as null there -#}
    {%- if relations | length == config_seed_keys() | length -%}
        {%- set found = run_query(scoring_config_problems(relations) ~ ' order by seed_name, csv_line, row_key, problem') -%}
        {%- for row in found.rows -%}
            {%- do problems.append(
                seeds[row[0]].original_file_path ~ (' line ' ~ row[1] if row[1] is not none else '')
                ~ ' (' ~ row[2] ~ '): ' ~ row[3]) -%}
        {%- endfor -%}
    {%- endif -%}
    {%- if problems -%}
        {{ exceptions.raise_compiler_error(
            'Invalid scoring configuration; nothing was built. Fix these seed rows:\n  - '
            ~ problems | join('\n  - ')) }}
    {%- endif -%}
    {{ return('select 1') }}
{% endmacro %}
