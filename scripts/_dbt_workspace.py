"""Run the real dbt project in a throw-away copy, for scripts that build it on other inputs.

A `DbtWorkspace` copies the project (dbt_project.yml, profiles.yml, models, macros, seeds, dbt
tests, analyses) into a folder of its own, so builds there never touch the repository's target/,
DuckDB file or seeds. Each `build()` names its raw folder, configuration folder (copied into the
workspace and passed as LEAD_SCORING_CONFIG_DIR, relative), DuckDB file and as_of, so one
workspace can build several data sets and configurations one after the other. dbt runs as a
subprocess (one invocation at a time; the DuckDB file is free again when it returns).
"""

from __future__ import annotations

import hashlib
import json
import os
import shutil
import subprocess
import sys
import time
from dataclasses import dataclass
from pathlib import Path

import duckdb

REPO_ROOT = Path(__file__).resolve().parents[1]
PROJECT_ITEMS = [
    "dbt_project.yml",
    "profiles.yml",
    "models",
    "macros",
    "seeds",
    "tests/dbt",
    "analyses",
]


def dbt_executable() -> str:
    """The dbt beside the running Python (the venv's), else the one on PATH."""
    beside = Path(sys.executable).with_name("dbt")
    if beside.exists():
        return str(beside)
    found = shutil.which("dbt")
    if found is None:
        raise RuntimeError("dbt not found beside the Python interpreter or on PATH")
    return found


class DbtBuildError(RuntimeError):
    """dbt exited with an error; the message ends with the tail of its output."""


@dataclass
class DbtRun:
    command: list[str]
    returncode: int
    output: str
    seconds: float
    run_results: dict | None

    def failed_nodes(self) -> list[str]:
        if not self.run_results:
            return []
        return [
            result["unique_id"]
            for result in self.run_results["results"]
            if result["status"] not in ("success", "pass", "skipped")
        ]


class DbtWorkspace:
    """A copy of the dbt project in `root` (created; an existing folder is reused as it is)."""

    def __init__(self, root: Path, repo_root: Path = REPO_ROOT):
        self.root = root.absolute()
        if not (self.root / "dbt_project.yml").exists():
            self.root.mkdir(parents=True, exist_ok=True)
            for item in PROJECT_ITEMS:
                source = repo_root / item
                target = self.root / item
                if source.is_dir():
                    shutil.copytree(source, target)
                else:
                    target.parent.mkdir(parents=True, exist_ok=True)
                    shutil.copy2(source, target)

    def use_config(self, config_dir: Path) -> str:
        """Copy a configuration folder into the workspace; its path relative to the project.

        LEAD_SCORING_CONFIG_DIR must be relative: dbt writes each seed's SQL to
        target/run/<project>/<seed path>, which for an absolute seed path is the CSV itself.
        """
        source = config_dir.absolute()
        digest = hashlib.sha1(str(source).encode()).hexdigest()[:8]
        relative = f"configs/{source.name}-{digest}"
        target = self.root / relative
        if target.exists():
            shutil.rmtree(target)
        shutil.copytree(source, target, ignore=shutil.ignore_patterns(".*"))
        return relative

    def dbt(
        self,
        *args: str,
        raw_data_path: Path | None = None,
        config_dir: Path | None = None,
        database: Path | None = None,
        as_of: str | None = None,
        extra_vars: dict | None = None,
        threads: int = 2,
        check: bool = True,
        env: dict[str, str] | None = None,
    ) -> DbtRun:
        """Run `dbt <args>` in the workspace; raises DbtBuildError on failure when check.

        `env` adds or overrides environment variables of the dbt process.
        """
        run_env = {
            **os.environ,
            "DBT_PROFILES_DIR": str(self.root),
            "LEAD_SCORING_DUCKDB_PATH": str(database or self.root / "lead_scoring.duckdb"),
            "LEAD_SCORING_THREADS": str(threads),
            "DBT_SEND_ANONYMOUS_USAGE_STATS": "false",
        }
        if config_dir is not None:
            run_env["LEAD_SCORING_CONFIG_DIR"] = self.use_config(config_dir)
        else:
            run_env.pop("LEAD_SCORING_CONFIG_DIR", None)
        run_env.update(env or {})
        dbt_vars = dict(extra_vars or {})
        if raw_data_path is not None:
            dbt_vars["raw_data_path"] = str(raw_data_path.absolute())
        if as_of is not None:
            dbt_vars["as_of"] = as_of
        # the config folder comes from an env var that dbt_project.yml reads: never reuse a
        # partial parse made with another one
        command = [dbt_executable(), *args, "--project-dir", str(self.root), "--no-partial-parse"]
        if dbt_vars:
            command += ["--vars", json.dumps(dbt_vars)]
        run_results_path = self.root / "target" / "run_results.json"
        run_results_path.unlink(missing_ok=True)
        started = time.monotonic()
        completed = subprocess.run(
            command, cwd=self.root, env=run_env, capture_output=True, text=True, check=False
        )
        seconds = time.monotonic() - started
        run_results = (
            json.loads(run_results_path.read_text()) if run_results_path.exists() else None
        )
        run = DbtRun(
            command, completed.returncode, completed.stdout + completed.stderr, seconds, run_results
        )
        if check and run.returncode != 0:
            raise DbtBuildError(
                f"dbt {' '.join(args)} failed (exit {run.returncode}) in {self.root}:\n"
                + run.output[-6000:]
            )
        return run

    def build(self, **kwargs) -> DbtRun:
        """`dbt build` (seeds, models, all data and unit tests); keyword arguments as dbt()."""
        return self.dbt("build", **kwargs)


def query(database: Path, sql: str) -> list[tuple]:
    """Rows of a query against a built DuckDB file, opened read-only."""
    with duckdb.connect(str(database), read_only=True) as connection:
        return connection.execute(sql).fetchall()
