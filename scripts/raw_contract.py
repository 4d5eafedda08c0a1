"""The input contract of the raw tables (SPEC 2) for the Python scripts, read from the one place
the dbt project keeps it: macros/raw_table_columns.sql (a Jinja dict literal), so the scripts and
the dbt hook can never disagree about a table's columns or which ones are required; and how a
timestamp is read, from macros/parse_utc_timestamp.sql, so the gate and the slicer read a time as
staging does."""

from __future__ import annotations

import ast
import csv
import re
from functools import cache
from pathlib import Path

ROOT = Path(__file__).resolve().parents[1]
_project = {"dir": ROOT}  # the dbt project whose macros are read (use_project)


def use_project(project_dir: Path) -> None:
    """Read the contract and the timestamp rule from another dbt project's macros (the gate's
    --project-dir: the project dbt builds, which may have its own contract)."""
    _project["dir"] = Path(project_dir)
    raw_contract.cache_clear()
    _utc_timestamp_template.cache_clear()


@cache
def raw_contract() -> dict[str, dict]:
    """table -> {'required': [...], 'optional': [...], 'is_optional_table': bool}."""
    text = (_project["dir"] / "macros" / "raw_table_columns.sql").read_text()
    literal = text[text.index("return(") + len("return(") : text.rindex(") }}")]
    literal = re.sub(r"\bfalse\b", "False", re.sub(r"\btrue\b", "True", literal))
    return ast.literal_eval(literal)


@cache
def _utc_timestamp_template() -> str:
    text = (_project["dir"] / "macros" / "parse_utc_timestamp.sql").read_text()
    start = text.index("{% macro duckdb__parse_utc_timestamp(text_expression) %}")
    body = text[text.index("%}", start) + 2 : text.index("{%- endmacro %}", start)]
    # one line: drop the comment lines first (a comment would swallow the rest of the line)
    body = re.sub(r"(?m)^\s*--.*$", "", body)
    assert "--" not in body, "parse_utc_timestamp: an SQL comment must have a line of its own"
    return " ".join(body.split())


def sql_text(value: str) -> str:
    """A SQL string literal of value (a path or a name may hold a quote)."""
    return "'" + value.replace("'", "''") + "'"


def utc_timestamp_sql(text_expression: str) -> str:
    """DuckDB SQL reading text as a UTC timestamp (null when unparseable), as staging does."""
    return _utc_timestamp_template().replace("{{ text_expression }}", f"({text_expression})")


def csv_shape_problem(input_path: Path, separator: str) -> str | None:
    """The first line whose field count differs from the header line's, or text that is not
    UTF-8: what makes DuckDB refuse a file."""
    csv.field_size_limit(2**31 - 1)  # a long text value is not the problem
    try:
        with open(input_path, newline="", encoding="utf-8") as file:
            reader = csv.reader(file, delimiter=separator, quotechar='"', doublequote=True)
            header = next(reader, [])
            for fields in reader:
                if fields and len(fields) != len(header):  # DuckDB skips blank lines too
                    return (
                        f"line {reader.line_num} has {len(fields)} field(s), the header line "
                        f"{len(header)} (separator {separator!r}; quote a value that holds it)"
                    )
    except UnicodeDecodeError as error:
        return f"not UTF-8 text ({error.reason})"
    except csv.Error as error:
        return f"line {reader.line_num}: {error}"
    return None
