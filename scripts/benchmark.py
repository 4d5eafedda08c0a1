"""Measure wall time and peak memory of data generation and `dbt build` at two scales.

For each scale it runs, each as its own process (peak memory = max RSS of that process tree's
largest member, from getrusage): the demo data generator; the raw-input gate
(scripts/gate_raw_inputs.py, Great Expectations over every raw file); a full `dbt build` on a
fresh DuckDB file (seeds, models, every data and unit test); a second `dbt run --full-refresh`
(models only, every contact recomputed: without --full-refresh a second run is incremental). It
then times two reference queries so the distance to the engine's limit is visible:
- "one query": every model created as an in-memory view (nothing written), and the current
  scores of the lifecycle model computed by one `select` over them;
- "scan floor": reading the raw events once and counting them per contact.
Results are printed as a Markdown table and written to --out-dir/benchmark.json.

With --incremental it measures an incremental day instead, on the same generated data: a full
`dbt build --full-refresh` on the raw files as exported at the end of the day before END_DATE
(scripts/slice_raw_by_day.py, as_of the end of that day), then END_DATE's export into the same
folder and an incremental `dbt build` (as_of the end of END_DATE), then that build once more on
its own result (nothing new: the fixed cost of a run). It reports the wall times and peak memory,
the day's ratio to the full build and, from the run log fct_scoring_runs, the contacts the
incremental run recomputed; written to --out-dir/benchmark_incremental.json. The "tiny" scale
checks the script.
"""

from __future__ import annotations

import argparse
import json
import os
import platform
import shutil
import subprocess
import sys
import time
from datetime import date, timedelta
from pathlib import Path

import duckdb
from slice_raw_by_day import slice_raw

ROOT = Path(__file__).resolve().parents[1]
BIN = Path(sys.executable).parent
SCALES = {"tiny": (2_000, 20), "100k": (100_000, 20), "1m": (1_000_000, 20)}
AS_OF = "2026-11-01 00:00:00"
END_DATE = "2026-10-31"
# the run log of incremental runs (one row per completed run)
RUN_LOG_TABLE = "fct_scoring_runs"


def measure(command: list[str], env: dict[str, str] | None = None) -> dict:
    """Run a command in a child that reports its children's peak RSS; return seconds and MB."""
    probe = (
        "import resource, subprocess, sys, json, time\n"
        "start = time.perf_counter()\n"
        "code = subprocess.call(sys.argv[1:])\n"
        "seconds = time.perf_counter() - start\n"
        "rss = resource.getrusage(resource.RUSAGE_CHILDREN).ru_maxrss\n"
        "print(json.dumps({'code': code, 'seconds': seconds, 'peak_rss_mb': rss / 1024}))\n"
    )
    completed = subprocess.run(
        [sys.executable, "-c", probe, *command],
        cwd=ROOT,
        env={**os.environ, **(env or {})},
        capture_output=True,
        text=True,
        check=False,
    )
    result = json.loads(completed.stdout.strip().splitlines()[-1])
    if result["code"] != 0:
        sys.stderr.write(completed.stdout[-4000:] + completed.stderr[-4000:])
        raise SystemExit(f"failed: {' '.join(command)}")
    return {"seconds": round(result["seconds"], 1), "peak_rss_mb": round(result["peak_rss_mb"])}


def one_query_scores(db_path: Path, manifest_path: Path, raw_dir: Path) -> dict:
    """All models as in-memory views over the raw files; one select computes the scores."""
    manifest = json.loads(manifest_path.read_text())
    catalog = db_path.stem
    connection = duckdb.connect()
    connection.execute("set preserve_insertion_order = false")
    connection.execute(f"attach '{db_path}' as built (read_only)")
    connection.execute(f"attach ':memory:' as {catalog}")
    connection.execute(f"use {catalog}")
    for schema in ("main", "main_config", "raw"):
        connection.execute(f"create schema if not exists {catalog}.{schema}")
    for (name,) in connection.execute(
        "select table_name from duckdb_tables() where database_name = 'built' "
        "and schema_name = 'main_config'"
    ).fetchall():
        connection.execute(
            f"create table {catalog}.main_config.{name} as select * from built.main_config.{name}"
        )
    for (sql,) in connection.execute(
        "select sql from duckdb_views() where database_name = 'built' and schema_name = 'raw'"
    ).fetchall():
        connection.execute(sql.replace("CREATE VIEW raw.", f"CREATE VIEW {catalog}.raw.", 1))
    models = {
        node_id: node
        for node_id, node in manifest["nodes"].items()
        if node["resource_type"] == "model"
    }
    created: set[str] = set()

    def create(node_id: str) -> None:
        if node_id in created:
            return
        created.add(node_id)
        node = models[node_id]
        for parent in node["depends_on"]["nodes"]:
            if parent in models:
                create(parent)
        if node["config"]["materialized"] != "ephemeral":  # ephemerals are inlined as CTEs
            compiled = ROOT / "target" / "compiled" / "lead_scoring" / node["original_file_path"]
            connection.execute(
                f"create view {catalog}.main.{node['name']} as {compiled.read_text()}"
            )

    create("model.lead_scoring.int_lead_scores_computed")
    start = time.perf_counter()
    contacts, total = connection.execute(
        "select count(*), sum(total_score) from main.int_lead_scores_computed "
        "where model_id = (select model_id from main_config.scoring_models "
        "where is_lifecycle_model)"
    ).fetchall()[0]
    seconds = time.perf_counter() - start
    built_contacts, built_total = connection.execute(
        "select count(*), sum(total_score) from built.main.fct_lead_scores "
        "where model_id = (select model_id from built.main_config.scoring_models "
        "where is_lifecycle_model)"
    ).fetchall()[0]
    assert (contacts, total) == (built_contacts, built_total), "one-query scores differ"
    start = time.perf_counter()
    connection.execute(
        f"select contact_id, count(*) from read_parquet('{raw_dir}/events*.parquet') group by 1"
    ).fetchall()
    floor_seconds = time.perf_counter() - start
    connection.close()
    return {"one_query_seconds": round(seconds, 1), "scan_floor_seconds": round(floor_seconds, 1)}


def slowest_models(run_results_path: Path, top: int = 8) -> list[list]:
    """[model, seconds] of the slowest models of the last dbt command (threads overlap)."""
    results = json.loads(run_results_path.read_text())["results"]
    timed = [
        [r["unique_id"].split(".")[-1], round(r["execution_time"], 1)]
        for r in results
        if r["unique_id"].startswith("model.")
    ]
    return sorted(timed, key=lambda item: -item[1])[:top]


def generate_data(raw_dir: Path, contacts: int, events_per_contact: int, reuse_data: bool) -> dict:
    """Generate the raw data of a scale (or reuse it); seconds and MB, None when reused."""
    if reuse_data and (raw_dir / "events.parquet").exists():
        return {"seconds": None, "peak_rss_mb": None}
    shutil.rmtree(raw_dir, ignore_errors=True)
    return measure(
        [
            str(BIN / "python"),
            "scripts/generate_demo_data.py",
            "--contacts",
            str(contacts),
            "--events-per-contact",
            str(events_per_contact),
            "--end-date",
            END_DATE,
            "--out",
            str(raw_dir),
        ]
    )


def run_scale(
    name: str, contacts: int, events_per_contact: int, out_dir: Path, reuse_data: bool = False
) -> dict:
    raw_dir = out_dir / f"raw_{name}"
    db_path = out_dir / f"bench_{name}.duckdb"
    db_path.unlink(missing_ok=True)
    generate = generate_data(raw_dir, contacts, events_per_contact, reuse_data)
    events = duckdb.sql(
        f"select count(*) from read_parquet('{raw_dir}/events*.parquet')"
    ).fetchall()[0][0]
    gate_docs = out_dir / f"gate_docs_{name}"
    shutil.rmtree(gate_docs, ignore_errors=True)
    gate = measure(
        [str(BIN / "python"), str(ROOT / "scripts" / "gate_raw_inputs.py"), "--raw-data-path",
         str(raw_dir), "--docs-dir", str(gate_docs)]
    )  # fmt: skip
    env = {"DBT_PROFILES_DIR": str(ROOT), "LEAD_SCORING_DUCKDB_PATH": str(db_path)}
    dbt_vars = json.dumps({"raw_data_path": str(raw_dir), "as_of": AS_OF})
    build = measure([str(BIN / "dbt"), "build", "--vars", dbt_vars], env)
    run = measure([str(BIN / "dbt"), "run", "--full-refresh", "--vars", dbt_vars], env)
    slowest = slowest_models(ROOT / "target" / "run_results.json")
    # the timings so far, in case the reference queries fail
    print(json.dumps({"scale": name, "dbt_build": build, "dbt_run": run}), flush=True)
    references = one_query_scores(db_path, ROOT / "target" / "manifest.json", raw_dir)
    result = {
        "scale": name,
        "contacts": contacts,
        "raw_events": events,
        "generate": generate,
        "raw_input_gate": gate,
        "dbt_build": build,
        "dbt_run": run,
        "slowest_models_in_run": slowest,
        **references,
        "duckdb_file_mb": round(db_path.stat().st_size / 2**20),
    }
    print(json.dumps(result), flush=True)
    return result


def last_run_logged(db_path: Path) -> dict | None:
    """The latest row of the run log (run_mode, contacts_recomputed, ...), None without one."""
    with duckdb.connect(str(db_path), read_only=True) as connection:
        present = {
            name
            for (name,) in connection.execute(
                "select table_name from duckdb_tables() where schema_name = 'main'"
            ).fetchall()
        }
        if RUN_LOG_TABLE in present:
            cursor = connection.execute(
                f"select * from main.{RUN_LOG_TABLE} order by started_at desc"
            )
            names = [column[0] for column in cursor.description]
            row = cursor.fetchone()
            return dict(zip(names, row, strict=True)) if row else None
    return None


def run_incremental_scale(
    name: str, contacts: int, events_per_contact: int, out_dir: Path, reuse_data: bool = False
) -> dict:
    """Full build on the export of the day before END_DATE, then an incremental day."""
    raw_dir = out_dir / f"raw_{name}"
    daily_dir = out_dir / f"raw_{name}_daily"  # the export folder, updated in place
    db_path = out_dir / f"bench_{name}_incremental.duckdb"
    db_path.unlink(missing_ok=True)
    generate = generate_data(raw_dir, contacts, events_per_contact, reuse_data)
    last_day = date.fromisoformat(END_DATE)
    env = {"DBT_PROFILES_DIR": str(ROOT), "LEAD_SCORING_DUCKDB_PATH": str(db_path)}
    measured = {}
    for step, day, flags in (
        ("full_build", last_day - timedelta(days=1), ["--full-refresh"]),
        ("incremental_build", last_day, []),
        ("rerun_build", last_day, []),  # the same export and as_of again: nothing new
    ):
        if step != "rerun_build":
            started = time.perf_counter()
            rows = slice_raw(raw_dir, daily_dir, day, end_day=last_day)
            measured[f"{step}_slice_seconds"] = round(time.perf_counter() - started, 1)
            measured[f"{step}_raw_events"] = rows["events"]
        dbt_vars = json.dumps({"raw_data_path": str(daily_dir), "as_of": f"{day} 23:59:59"})
        measured[step] = measure([str(BIN / "dbt"), "build", *flags, "--vars", dbt_vars], env)
        if step == "incremental_build":
            measured["slowest_models"] = slowest_models(ROOT / "target" / "run_results.json")
            logged = last_run_logged(db_path)
    rerun_logged = last_run_logged(db_path) or {}
    full, incremental = measured["full_build"], measured["incremental_build"]
    result = {
        "scale": name,
        "contacts": contacts,
        "generate": generate,
        **measured,
        "incremental_to_full": round(incremental["seconds"] / full["seconds"], 3),
        "run_mode": logged.get("run_mode") if logged else None,
        "contacts_recomputed": logged.get("contacts_recomputed") if logged else None,
        "contacts_total": logged.get("contacts_total") if logged else None,
        "recompute_all_reason": logged.get("recompute_all_reason") if logged else None,
        "rerun_contacts_recomputed": rerun_logged.get("contacts_recomputed"),
        "duckdb_file_mb": round(db_path.stat().st_size / 2**20),
    }
    print(json.dumps(result), flush=True)
    return result


def timing(measured: dict) -> str:
    if measured["seconds"] is None:
        return "(reused)"
    return f"{measured['seconds']} s, {measured['peak_rss_mb']:,} MB"


def markdown(results: list[dict]) -> str:
    lines = [
        f"Machine: {os.cpu_count()} cores, Python {platform.python_version()}, "
        f"DuckDB {duckdb.__version__}; as_of {AS_OF}.",
        "",
        "| scale | raw events | generate | raw-input gate | `dbt build` (all tests) "
        "| `dbt run --full-refresh` (models) | one query (views) | scan floor | DuckDB file |",
        "|---|---|---|---|---|---|---|---|---|",
    ]
    for r in results:
        lines.append(
            f"| {r['contacts']:,} contacts | {r['raw_events']:,} "
            f"| {timing(r['generate'])} | {timing(r['raw_input_gate'])} "
            f"| {timing(r['dbt_build'])} | {timing(r['dbt_run'])} "
            f"| {r['one_query_seconds']} s | {r['scan_floor_seconds']} s "
            f"| {r['duckdb_file_mb']:,} MB |"
        )
    for r in results:
        slowest = ", ".join(f"{model} {seconds} s" for model, seconds in r["slowest_models_in_run"])
        lines.append(
            f"\nSlowest models of `dbt run --full-refresh` at {r['contacts']:,} contacts: "
            f"{slowest}."
        )
    return "\n".join(lines)


def markdown_incremental(results: list[dict]) -> str:
    lines = [
        f"Machine: {os.cpu_count()} cores, Python {platform.python_version()}, "
        f"DuckDB {duckdb.__version__}; full build as of the end of the day before {END_DATE}, "
        f"then an incremental day (as of {END_DATE} 23:59:59).",
        "",
        "| scale | raw events (day before → last day) | full `dbt build` | incremental `dbt build` "
        "| incremental / full | contacts recomputed | the day rerun (nothing new) |",
        "|---|---|---|---|---|---|---|",
    ]
    for r in results:
        recomputed = (
            "(no run log)"
            if r["contacts_recomputed"] is None
            else f"{r['contacts_recomputed']:,} of {r['contacts_total']:,} ({r['run_mode']}"
            + (f": {r['recompute_all_reason']})" if r["recompute_all_reason"] else ")")
        )
        lines.append(
            f"| {r['contacts']:,} contacts "
            f"| {r['full_build_raw_events']:,} → {r['incremental_build_raw_events']:,} "
            f"| {timing(r['full_build'])} | {timing(r['incremental_build'])} "
            f"| {r['incremental_to_full']:.2f} | {recomputed} "
            f"| {timing(r['rerun_build'])}, {r['rerun_contacts_recomputed']} recomputed |"
        )
    for r in results:
        slowest = ", ".join(f"{model} {seconds} s" for model, seconds in r["slowest_models"])
        lines.append(
            f"\nSlowest models of the incremental build at {r['contacts']:,} contacts: {slowest}."
        )
    return "\n".join(lines)


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--scales", nargs="+", choices=sorted(SCALES), default=["100k", "1m"])
    parser.add_argument("--out-dir", type=Path, default=Path("/tmp/lead_scoring_benchmark"))
    parser.add_argument("--keep", action="store_true", help="keep the generated data and databases")
    parser.add_argument(
        "--reuse-data", action="store_true", help="reuse raw data kept by an earlier --keep run"
    )
    parser.add_argument(
        "--incremental",
        action="store_true",
        help=f"a full build on the day before {END_DATE}, then one incremental day instead",
    )
    args = parser.parse_args()

    args.out_dir.mkdir(parents=True, exist_ok=True)
    if args.incremental:
        results = [
            run_incremental_scale(scale, *SCALES[scale], args.out_dir, args.reuse_data)
            for scale in args.scales
        ]
        (args.out_dir / "benchmark_incremental.json").write_text(json.dumps(results, indent=2))
        print(markdown_incremental(results))
        if not args.keep:
            for scale in args.scales:
                shutil.rmtree(args.out_dir / f"raw_{scale}", ignore_errors=True)
                shutil.rmtree(args.out_dir / f"raw_{scale}_daily", ignore_errors=True)
                (args.out_dir / f"bench_{scale}_incremental.duckdb").unlink(missing_ok=True)
        return
    results = [
        run_scale(scale, *SCALES[scale], args.out_dir, args.reuse_data) for scale in args.scales
    ]
    (args.out_dir / "benchmark.json").write_text(json.dumps(results, indent=2))
    print(markdown(results))
    if not args.keep:
        for scale in args.scales:
            shutil.rmtree(args.out_dir / f"raw_{scale}", ignore_errors=True)
            shutil.rmtree(args.out_dir / f"gate_docs_{scale}", ignore_errors=True)
            (args.out_dir / f"bench_{scale}.duckdb").unlink(missing_ok=True)


if __name__ == "__main__":
    main()
