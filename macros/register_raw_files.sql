{#- on-run-start: expose the raw files in var('raw_data_path') as views in var('raw_schema'), so
    the sources read the same relations whether the data is Parquet, CSV or already in the
    warehouse (set raw_data_path to null then). A file may be <table>.parquet, <table>.csv or a
    folder <table>/ of such files, not both (nor a folder named <table>.parquet). Extra columns
    are ignored, absent optional columns read as null, an absent optional table reads as empty; a
    missing required file or column stops the run with a message naming it. -#}
{% macro register_raw_files() %}
    {{ return(adapter.dispatch('register_raw_files', 'lead_scoring')()) }}
{% endmacro %}

{#- What a file meant for a table under another name looks like: its name lower-cased with - and
    spaces as _ (starts with the table's name), and a data or compression suffix. The gate
    (scripts/gate_raw_inputs.py) applies the same rule. -#}
{% macro near_miss_name(expression) -%}
    replace(replace(lower({{ expression }}), '-', '_'), ' ', '_')
{%- endmacro %}

{% macro near_miss_suffix() -%}
    \.(parquet|csv|tsv|txt|json|jsonl|ndjson|xlsx|gz|zst|bz2|zip)(\.|$)
{%- endmacro %}

{% macro default__register_raw_files() %}
    {#- Other engines read raw tables that already live in the warehouse. -#}
    select 1
{% endmacro %}

{% macro duckdb__register_raw_files() %}
    {%- set raw_path = var('raw_data_path', none) -%}
    {#- --vars on the command line may spell null as the text 'none' or 'null' -#}
    {%- if not execute or raw_path is none or raw_path | string | trim | lower in ['', 'none', 'null'] -%}
        {{ return('select 1') }}
    {%- endif -%}
    {%- set raw_path = raw_path | string | trim -%}
    {%- set raw_path = raw_path.rstrip('/') or '/' -%}
    {#- a relative path is relative to the project (seed nodes know its root), so the views work
        from any working directory -#}
    {%- if not raw_path.startswith('/') and ':' not in raw_path -%}
        {%- set project_node = graph.nodes.values() | selectattr('resource_type', 'equalto', 'seed') | selectattr('package_name', 'equalto', project_name) | first -%}
        {%- set raw_path = project_node.root_path ~ '/' ~ raw_path -%}
    {%- endif -%}
    {%- set schema = var('raw_schema') -%}
    {#- paths go into SQL string literals: a quote in them is doubled; and into DuckDB globs:
        [ * ? in the folder's path are made literal -#}
    {%- set sql_path = raw_path | replace('[', '[[]') | replace('*', '[*]') | replace('?', '[?]')
        | replace("'", "''") -%}
    {%- set statements = ['create schema if not exists ' ~ schema] -%}
    {%- for table, spec in raw_table_columns().items() -%}
        {%- set files = {} -%}
        {%- for format in ['parquet', 'csv'] -%}
            {%- set found = run_query(
                "select 'file' as kind, file from glob('" ~ sql_path ~ "/" ~ table ~ "." ~ format ~ "') "
                ~ "union all select 'folder', file from glob('" ~ sql_path ~ "/" ~ table ~ "/*." ~ format ~ "') "
                ~ "union all select 'folder named like a file', file from glob('" ~ sql_path ~ "/" ~ table ~ "." ~ format ~ "/*') "
                ~ "order by file"
            ) -%}
            {%- set kinds = found.columns[0].values() | unique | list -%}
            {%- if 'folder named like a file' in kinds -%}
                {{ exceptions.raise_compiler_error(
                    "Raw input '" ~ table ~ "': " ~ raw_path ~ "/" ~ table ~ "." ~ format
                    ~ " is a folder; put a table's files in " ~ raw_path ~ "/" ~ table ~ "/ instead.") }}
            {%- elif kinds | length > 1 -%}
                {{ exceptions.raise_compiler_error(
                    "Raw input '" ~ table ~ "' exists both as " ~ raw_path ~ "/" ~ table ~ "." ~ format
                    ~ " and as files in " ~ raw_path ~ "/" ~ table ~ "/: keep one of them.") }}
            {%- endif -%}
            {%- if found.rows | length > 0 -%}
                {%- do files.update({format: found.columns[1].values() | list}) -%}
            {%- endif -%}
        {%- endfor -%}
        {%- set all_columns = spec['required'] + spec['optional'] -%}
        {%- if files | length > 1 -%}
            {{ exceptions.raise_compiler_error(
                "Raw input '" ~ table ~ "' exists both as Parquet and as CSV in " ~ raw_path
                ~ ": keep one format per table.") }}
        {%- elif files | length == 0 -%}
            {#- files that look meant for this table under another name (case, compression, a
                folder of other files): an optional table would otherwise read as empty unseen -#}
            {%- set near_misses = run_query(
                "select file from (select file, parse_filename(file) as entry from glob('" ~ sql_path ~ "/*') "
                ~ "union all select file, parse_filename(parse_dirpath(file)) from glob('" ~ sql_path ~ "/*/*')) "
                ~ "where starts_with(" ~ near_miss_name('entry') ~ ", '" ~ table ~ "') "
                ~ "and regexp_matches(lower(parse_filename(file)), '" ~ near_miss_suffix() ~ "') "
                ~ "order by file limit 5"
            ).columns[0].values() | list -%}
            {%- if near_misses or not spec['is_optional_table'] -%}
                {{ exceptions.raise_compiler_error(
                    "Raw input '" ~ table ~ "' not found: expected " ~ raw_path ~ "/" ~ table
                    ~ ".parquet or " ~ raw_path ~ "/" ~ table ~ ".csv, or a folder " ~ raw_path ~ "/"
                    ~ table ~ "/ of *.parquet or *.csv files (var raw_data_path)"
                    ~ (". Found instead: " ~ near_misses | join(', ') ~ " (names are matched exactly, lower-case, uncompressed)" if near_misses else "")
                    ~ ".") }}
            {%- endif -%}
            {%- set select_list = [] -%}
            {%- for column in all_columns -%}
                {%- do select_list.append('cast(null as varchar) as ' ~ column) -%}
            {%- endfor -%}
            {%- do statements.append(
                'create or replace view ' ~ schema ~ '.' ~ table ~ ' as select '
                ~ select_list | join(', ') ~ ' where false') -%}
        {%- else -%}
            {%- set format = files.keys() | list | first -%}
            {%- set quoted_files = [] -%}
            {%- for file in files[format] -%}
                {%- do quoted_files.append("'" ~ file | replace("'", "''") ~ "'") -%}
            {%- endfor -%}
            {%- set file_list = "[" ~ quoted_files | join(", ") ~ "]" -%}
            {%- if format == 'parquet' -%}
                {%- set reader = 'read_parquet(' ~ file_list ~ ', union_by_name = true)' -%}
            {%- else -%}
                {#- all_varchar: a bad value must reach quarantine, not break the load -#}
                {#- comment = '': DuckDB's sniffer would otherwise take a row starting with '#' for a
                    comment and drop it -#}
                {%- set reader = 'read_csv(' ~ file_list ~ ", header = true, all_varchar = true, union_by_name = true, comment = '')" -%}
            {%- endif -%}
            {%- set described = run_query('describe select * from ' ~ reader) -%}
            {%- set present = described.columns[0].values() | map('lower') | list -%}
            {%- set missing_required = [] -%}
            {%- for column in spec['required'] if column not in present -%}
                {%- do missing_required.append(column) -%}
            {%- endfor -%}
            {%- if missing_required -%}
                {{ exceptions.raise_compiler_error(
                    "Raw input '" ~ table ~ "' (" ~ files[format] | join(', ') ~ ") is missing required column(s): "
                    ~ missing_required | join(', ') ~ ". Present columns: " ~ present | join(', ')
                    ~ (". A CSV line with more or fewer fields than the header line makes DuckDB guess"
                       ~ " another header: scripts/gate_raw_inputs.py names the first such line"
                       if format == 'csv' else '')) }}
            {%- endif -%}
            {#- DuckDB reads a repeated header under a suffix (email, EMAIL -> email, EMAIL_1): the
                second copy would go unseen. A name of that form is checked against the headers
                as written, so a real column email_2 passes -#}
            {%- set suspects = [] -%}
            {%- for column in present -%}
                {%- set match = modules.re.fullmatch('(.+)_[0-9]+', column) -%}
                {%- if match and match.group(1) in present and match.group(1) in all_columns -%}
                    {%- do suspects.append(match.group(1)) -%}
                {%- endif -%}
            {%- endfor -%}
            {%- for quoted_file in (quoted_files if suspects else []) -%}
                {%- set file = files[format][loop.index0] -%}
                {%- if format == 'parquet' -%}
                    {%- set headers = run_query("select name from parquet_schema(" ~ quoted_file ~ ")").columns[0].values() -%}
                {%- else -%}
                    {%- set first_rows = run_query("select * from read_csv(" ~ quoted_file ~ ", header = false, all_varchar = true, comment = '') limit 1").rows -%}
                    {%- set headers = first_rows[0].values() if first_rows | length > 0 else [] -%}
                {%- endif -%}
                {%- set headers = headers | map('string') | map('trim') | map('lower') | list -%}
                {%- for column in suspects | unique if headers.count(column) > 1 -%}
                    {{ exceptions.raise_compiler_error(
                        "Raw input '" ~ table ~ "' (" ~ file ~ "): the column header " ~ column
                        ~ " appears more than once (case-insensitively); DuckDB would read the second copy"
                        ~ " as " ~ column ~ "_1 and dbt ignore it. Keep one column of each name.") }}
                {%- endfor -%}
            {%- endfor -%}
            {%- set select_list = [] -%}
            {%- for column in all_columns -%}
                {%- if column in present -%}
                    {%- do select_list.append(column) -%}
                {%- else -%}
                    {%- do select_list.append('cast(null as varchar) as ' ~ column) -%}
                {%- endif -%}
            {%- endfor -%}
            {%- do statements.append(
                'create or replace view ' ~ schema ~ '.' ~ table ~ ' as select '
                ~ select_list | join(', ') ~ ' from ' ~ reader) -%}
        {%- endif -%}
    {%- endfor -%}
    {{ return(statements | join(';\n')) }}
{% endmacro %}
