"""One command for schedulers (cron, Airflow, Dagster): gate -> build -> tests -> publish -> export.

Steps, each only after the previous one succeeded:
0. gate_raw_inputs.py: every raw file checked against the input contract with Great Expectations
   (Data Docs in <log-dir>/raw_input_gate); a broken file stops the run before dbt starts;
1. `dbt build` (seeds, every model, every data and unit test) into the build database: an
   incremental run once a build exists (README "Incremental runs"), in full with --full-refresh;
2. the build's scoring run (full / incremental, contacts recomputed) into the log; freshness:
   warn when the newest accepted event or contact is older than --stale-after-hours before as_of
   (inputs stopped arriving); with --fail-on-stale it stops the run instead;
3. publish.py: the public marts swapped atomically into the served database BI tools read;
4. export_alerts.py: the alerts that are new since the previous export, as JSON Lines.
A failed or killed run leaves the served database at the last good publication; the next run
recomputes every contact from the raw files and ends exactly where an uninterrupted run would.

Exit codes: 0 done (maybe with freshness warnings), 1 the pipeline's own code failed (a traceback
in the log, e.g. the build's tables unreadable), 10 a raw file breaks the input contract, 15 the
gate could not judge the files (a missing config folder, bad settings, an error of its own), 20
build or tests failed, 25 inputs stale (--fail-on-stale), 30 publish failed, 40 alert export
failed, 75 another run holds the lock. Every run writes its whole output to
<log-dir>/pipeline-<UTC time>.log (each step's output as it comes, so a killed run's log keeps
it) and one JSON summary line (steps, warnings, scoring run) to <log-dir>/runs.jsonl.

Usage: .venv/bin/python scripts/pipeline.py [--raw-data-path data/raw | --raw-data-path null
       --raw-schema crm_export] [--as-of "..."]
       [--database lead_scoring.duckdb] [--served served/lead_scoring.duckdb]
"""

from __future__ import annotations

import argparse
import fcntl
import json
import os
import subprocess
import sys
import time
import traceback
from datetime import UTC, datetime
from pathlib import Path

import duckdb
import yaml

ROOT = Path(__file__).resolve().parents[1]
SCRIPTS = ROOT / "scripts"
EXIT_GATE, EXIT_BUILD, EXIT_STALE, EXIT_PUBLISH, EXIT_EXPORT, EXIT_LOCKED = 10, 20, 25, 30, 40, 75
# the gate exits 1 when a file breaks the contract; any other failure is the gate's own
EXIT_GATE_ERROR, GATE_CONTRACT_BROKEN = 15, 1
# an error of the pipeline's own code (a traceback in the log), as Python's own exit code
EXIT_PIPELINE_ERROR = 1
# how raw_data_path reads as null (the dbt hook's rule): --vars may spell it as a word
NULL_WORDS = ("", "none", "null")


class Run:
    """The log of one pipeline run: every step's command, output, exit code and duration."""

    def __init__(self, log_dir: Path, held_fds: tuple[int, ...] = ()) -> None:
        log_dir.mkdir(parents=True, exist_ok=True)
        # passed to every step: the run's lock stays held while a step outlives a killed pipeline
        self.held_fds = held_fds
        self.started = datetime.now(UTC)
        self.log_dir = log_dir
        self.path = log_dir / f"pipeline-{self.started:%Y%m%dT%H%M%S%fZ}.log"
        self.log = open(self.path, "a", encoding="utf-8")  # noqa: SIM115 - closed in finish()
        self.steps: list[dict] = []
        self.warnings: list[str] = []
        self.scoring: dict | None = None  # the build's row of fct_scoring_runs

    def say(self, text: str) -> None:
        line = f"{datetime.now(UTC):%Y-%m-%d %H:%M:%S} {text}"
        print(line, flush=True)
        self.log.write(line + "\n")
        self.log.flush()

    def step(self, name: str, command: list[str], env: dict[str, str]) -> int:
        self.say(f"== {name}: {' '.join(command)}")
        began = time.monotonic()
        output_from = self.path.stat().st_size
        # the step writes straight into the log, so the log follows it while it runs and keeps
        # its output if the pipeline is killed (a pipe would also kill the step with SIGPIPE)
        completed = subprocess.run(
            command, env=env, stdout=self.log, stderr=subprocess.STDOUT, pass_fds=self.held_fds
        )
        seconds = round(time.monotonic() - began, 1)
        self.steps.append({"step": name, "exit_code": completed.returncode, "seconds": seconds})
        if completed.returncode != 0:  # the step's last lines, for the scheduler's mail
            with open(self.path, "rb") as log:
                log.seek(output_from)
                output = log.read().decode("utf-8", errors="replace")
            print("\n".join(output.strip().splitlines()[-25:]), file=sys.stderr)
        self.say(f"== {name}: exit {completed.returncode} in {seconds} s")
        return completed.returncode

    def finish(self, exit_code: int) -> int:
        summary = {
            "started_at": self.started.isoformat(),
            "finished_at": datetime.now(UTC).isoformat(),
            "exit_code": exit_code,
            "steps": self.steps,
            "warnings": self.warnings,
            "scoring": self.scoring,
            "log": str(self.path),
        }
        self.say(f"== done: exit {exit_code}; log {self.path}")
        self.log.close()
        with open(self.log_dir / "runs.jsonl", "a", encoding="utf-8") as runs:
            runs.write(json.dumps(summary) + "\n")
        return exit_code


def scoring_run(database: Path) -> dict:
    """The build's row of the run log: full or incremental, contacts recomputed and why all."""
    connection = duckdb.connect(str(database), read_only=True)
    try:
        cursor = connection.execute(
            "select run_mode, cast(as_of as varchar) as as_of, contacts_recomputed, "
            "contacts_total, recompute_all_reason "
            "from main.fct_scoring_runs order by started_at desc limit 1"
        )
        names = [column[0] for column in cursor.description]
        return dict(zip(names, cursor.fetchone(), strict=True))
    finally:
        connection.close()


def stale_inputs(database: Path, stale_after_hours: float) -> list[str]:
    """Inputs whose newest accepted row is older than the threshold before the build's as_of."""
    connection = duckdb.connect(str(database), read_only=True)
    try:
        as_of, newest_event, newest_contact = connection.execute(
            "select (select max(scored_at) from main.fct_lead_scores), "
            # the event store also holds rejected rows (future-dated ones among them)
            "(select max(occurred_at) from main.int_events_validated where reject_reason is null), "
            "(select max(created_at) from main.dim_contacts)"
        ).fetchone()
    finally:
        connection.close()
    problems = []
    for table, newest in (("events", newest_event), ("contacts", newest_contact)):
        # checked before as_of, which is read from the scores: no contacts, no scores either
        if newest is None:
            problems.append(f"{table}: no accepted rows at all")
        elif as_of is not None and (as_of - newest).total_seconds() > stale_after_hours * 3600:
            hours = (as_of - newest).total_seconds() / 3600
            problems.append(
                f"{table}: newest row {newest} is {hours:.1f} h before as_of {as_of} "
                f"(more than {stale_after_hours:g} h: have the inputs stopped arriving?)"
            )
    return problems


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("--project-dir", type=Path, default=ROOT, help="the dbt project")
    parser.add_argument("--raw-data-path", default=None, help="dbt var raw_data_path")
    parser.add_argument(
        "--raw-schema",
        default=None,
        help="dbt var raw_schema: the schema of raw tables already in the warehouse (with "
        "raw_data_path null)",
    )
    parser.add_argument("--as-of", default=None, help="dbt var as_of (default: now, UTC)")
    parser.add_argument("--database", type=Path, default=ROOT / "lead_scoring.duckdb")
    parser.add_argument("--served", type=Path, default=ROOT / "served" / "lead_scoring.duckdb")
    parser.add_argument("--alerts-dir", type=Path, default=ROOT / "exports" / "alerts")
    parser.add_argument("--log-dir", type=Path, default=ROOT / "logs" / "pipeline")
    parser.add_argument("--stale-after-hours", type=float, default=48.0)
    parser.add_argument("--fail-on-stale", action="store_true")
    parser.add_argument("--skip-export", action="store_true", help="no alert export")
    parser.add_argument("--skip-gate", action="store_true", help="no raw-input gate")
    parser.add_argument(
        "--full-refresh",
        action="store_true",
        help="rebuild every contact and reload every raw event (default: an incremental run "
        "once a build exists; README 'Incremental runs')",
    )
    parser.add_argument(
        "--verify-kept-history",
        action="store_true",
        help="dbt var verify_kept_history: an incremental run checks the history rows it keeps "
        "against what it computed for them and fails on a difference (README 'Incremental runs')",
    )
    # passed on to the gate and to the export (see their --help)
    parser.add_argument("--gate-tolerance-percent", help="the gate's --tolerance-percent (5)")
    parser.add_argument("--gate-min-timestamp", help="the gate's --min-timestamp (2000-01-01)")
    parser.add_argument("--gate-memory-limit", help="the gate's --memory-limit (2GB)")
    parser.add_argument(
        "--alerts-triggered-after", help="the export's --triggered-after (remembered by it)"
    )
    parser.add_argument(
        "--alerts-include-closed", action="store_true", help="the export's --include-closed"
    )
    args = parser.parse_args(argv)
    if args.alerts_triggered_after:
        try:  # checked now, not after an hour of build
            datetime.fromisoformat(args.alerts_triggered_after)
        except ValueError:
            parser.error(
                f"--alerts-triggered-after {args.alerts_triggered_after!r} is not an ISO time"
            )

    args.database = args.database.resolve()
    # a first deployment may name a folder that does not exist yet (dbt would not create it)
    args.database.parent.mkdir(parents=True, exist_ok=True)
    lock_path = args.database.with_name(f".{args.database.name}.pipeline.lock")
    lock = open(lock_path, "w")  # noqa: SIM115 - held for the whole run
    try:
        fcntl.flock(lock, fcntl.LOCK_EX | fcntl.LOCK_NB)
    except BlockingIOError:
        print(f"another pipeline run holds {lock_path}; not starting", file=sys.stderr)
        # one summary line still, so a schedule's skipped runs show in runs.jsonl (an append of
        # one short line does not interleave with the running one's)
        args.log_dir.mkdir(parents=True, exist_ok=True)
        with open(args.log_dir / "runs.jsonl", "a", encoding="utf-8") as runs:
            now = datetime.now(UTC).isoformat()
            summary = {
                "started_at": now,
                "finished_at": now,
                "exit_code": EXIT_LOCKED,
                "steps": [],
                "warnings": [f"another pipeline run holds {lock_path}"],
                "scoring": None,
                "log": None,
            }
            runs.write(json.dumps(summary) + "\n")
        return EXIT_LOCKED

    run = Run(args.log_dir, held_fds=(lock.fileno(),))
    try:
        return run_steps(args, run)
    except Exception:  # e.g. the build's tables unreadable by the freshness step
        run.say(f"ERROR the pipeline itself failed:\n{traceback.format_exc()}")
        return run.finish(EXIT_PIPELINE_ERROR)


def passed_on(args: argparse.Namespace, prefix: str, names: tuple[str, ...]) -> list[str]:
    """The pipeline's --<prefix><name> options given, as the step's own --<name> options."""
    options = []
    for name in names:
        value = getattr(args, prefix + name)
        flag = "--" + name.replace("_", "-")
        if value is True:
            options.append(flag)
        elif value not in (None, False):
            options += [flag, str(value)]
    return options


def run_steps(args: argparse.Namespace, run: Run) -> int:
    """Run the steps in order; the first failing one decides the exit code."""
    env = {
        **os.environ,
        "DBT_PROFILES_DIR": str(args.project_dir),
        "LEAD_SCORING_DUCKDB_PATH": str(args.database),
    }
    python, scripts = sys.executable, str(SCRIPTS)
    dbt_vars = {
        name: value
        for name, value in (
            ("raw_data_path", args.raw_data_path),
            ("raw_schema", args.raw_schema),
            ("as_of", args.as_of),
        )
        if value is not None
    }
    if args.verify_kept_history:
        dbt_vars["verify_kept_history"] = True
    # the folder dbt reads: the option, else the project's var (dbt_project.yml)
    raw_setting = args.raw_data_path
    if raw_setting is None:
        with open(args.project_dir / "dbt_project.yml", encoding="utf-8") as file:
            raw_setting = (yaml.safe_load(file).get("vars") or {}).get("raw_data_path")
    # null (as the dbt hook reads it): the raw tables are in the warehouse, no files to gate
    raw_in_warehouse = raw_setting is None or str(raw_setting).strip().lower() in NULL_WORDS
    if raw_in_warehouse and not args.skip_gate:
        run.say("gate: skipped, raw_data_path is null (the raw tables are in the warehouse)")
    raw_path = Path(str(raw_setting or ""))
    config_dir = args.project_dir / env.get("LEAD_SCORING_CONFIG_DIR", "seeds")
    build = [str(Path(python).with_name("dbt")), "build", "--project-dir", str(args.project_dir)]
    if args.full_refresh:
        build.append("--full-refresh")
    steps = [
        (
            "gate",
            [python, f"{scripts}/gate_raw_inputs.py", "--project-dir", str(args.project_dir),
             "--raw-data-path",
             str(raw_path if raw_path.is_absolute() else args.project_dir / raw_path),
             "--docs-dir", str(args.log_dir / "raw_input_gate"), "--config-dir", str(config_dir),
             *passed_on(args, "gate_", ("tolerance_percent", "min_timestamp", "memory_limit"))],
            EXIT_GATE,
            not args.skip_gate and not raw_in_warehouse,
        ),
        ("build", build + (["--vars", json.dumps(dbt_vars)] if dbt_vars else []), EXIT_BUILD, True),
        ("freshness", None, EXIT_STALE, True),
        (
            "publish",
            [python, f"{scripts}/publish.py", "--database", str(args.database),
             "--served", str(args.served)],
            EXIT_PUBLISH,
            True,
        ),
        (
            "export alerts",
            [python, f"{scripts}/export_alerts.py", "--database", str(args.database),
             "--out-dir", str(args.alerts_dir),
             *passed_on(args, "alerts_", ("triggered_after", "include_closed"))],
            EXIT_EXPORT,
            not args.skip_export,
        ),
    ]  # fmt: skip
    for name, command, exit_code, enabled in steps:
        if not enabled:
            continue
        if command is None:  # freshness: read from the build, warn (or stop)
            began = time.monotonic()
            run.scoring = scoring_run(args.database)
            run.say(
                f"scoring: {run.scoring['run_mode']} run, {run.scoring['contacts_recomputed']:,} "
                f"of {run.scoring['contacts_total']:,} contacts recomputed"
                + (
                    f" ({run.scoring['recompute_all_reason']})"
                    if run.scoring["recompute_all_reason"]
                    else ""
                )
            )
            stale = stale_inputs(args.database, args.stale_after_hours)
            for problem in stale:
                run.warnings.append(problem)
                run.say(f"WARNING stale input: {problem}")
            stops = bool(stale) and args.fail_on_stale
            run.steps.append(
                {
                    "step": name,
                    "exit_code": exit_code if stops else 0,
                    "seconds": round(time.monotonic() - began, 1),
                }
            )
            if stops:  # the reason, for the scheduler's mail (as a failed step's last lines)
                print(
                    "inputs stale (--fail-on-stale), nothing published:\n"
                    + "\n".join(f"  {problem}" for problem in stale),
                    file=sys.stderr,
                )
                return run.finish(exit_code)
        elif returncode := run.step(name, command, env):
            if name == "gate" and returncode != GATE_CONTRACT_BROKEN:
                return run.finish(EXIT_GATE_ERROR)
            return run.finish(exit_code)
    return run.finish(0)


if __name__ == "__main__":
    sys.exit(main())
