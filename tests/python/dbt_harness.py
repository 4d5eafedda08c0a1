"""Run the real dbt project against small hand-written inputs in a throw-away copy.

Every test project is a copy of this repository's dbt project (models, macros, seeds, dbt tests)
in a temporary folder with its own DuckDB file, so tests can swap seeds or raw files freely.
"""

from __future__ import annotations

import json
import os
import shutil
import subprocess
import sys
from dataclasses import dataclass
from pathlib import Path

import duckdb

REPO_ROOT = Path(__file__).resolve().parents[2]
sys.path.insert(0, str(REPO_ROOT / "scripts"))

from _dbt_workspace import PROJECT_ITEMS  # noqa: E402 - the project files a copy needs

DBT = str(Path(sys.executable).with_name("dbt"))


@dataclass
class DbtResult:
    returncode: int
    output: str
    run_results: dict | None

    def statuses(self) -> dict[str, str]:
        """unique_id -> status of every node dbt executed."""
        if not self.run_results:
            return {}
        return {r["unique_id"]: r["status"] for r in self.run_results["results"]}


class DbtProject:
    """A throw-away copy of the dbt project with its own raw folder and DuckDB file."""

    def __init__(self, root: Path):
        self.root = root
        self.raw_dir = root / "data" / "raw"
        self.db_path = root / "lead_scoring.duckdb"
        root.mkdir(parents=True, exist_ok=True)
        for item in PROJECT_ITEMS:
            source = REPO_ROOT / item
            target = root / item
            if source.is_dir():
                shutil.copytree(source, target)
            else:
                target.parent.mkdir(parents=True, exist_ok=True)
                shutil.copy2(source, target)
        self.raw_dir.mkdir(parents=True, exist_ok=True)

    def write_csv(self, relative_path: str, text: str) -> None:
        """Write a CSV (seed or raw file) given as text; leading indentation is removed."""
        lines = [line.strip() for line in text.strip().splitlines()]
        path = self.root / relative_path
        path.parent.mkdir(parents=True, exist_ok=True)
        path.write_text("\n".join(lines) + "\n")

    def write_seed(self, name: str, text: str) -> None:
        self.write_csv(f"seeds/{name}.csv", text)

    def write_raw(self, name: str, text: str) -> None:
        self.write_csv(f"data/raw/{name}.csv", text)

    def dbt(self, *args: str, vars: dict | None = None) -> DbtResult:
        env = {
            **os.environ,
            "DBT_PROFILES_DIR": str(self.root),
            "LEAD_SCORING_DUCKDB_PATH": str(self.db_path),
            "LEAD_SCORING_THREADS": "2",
            "DBT_SEND_ANONYMOUS_USAGE_STATS": "false",
        }
        command = [DBT, *args, "--project-dir", str(self.root)]
        if vars:
            command += ["--vars", json.dumps(vars)]
        run_results_path = self.root / "target" / "run_results.json"
        run_results_path.unlink(missing_ok=True)
        completed = subprocess.run(
            command, cwd=self.root, env=env, capture_output=True, text=True, timeout=900
        )
        run_results = (
            json.loads(run_results_path.read_text()) if run_results_path.exists() else None
        )
        return DbtResult(completed.returncode, completed.stdout + completed.stderr, run_results)

    def build(self, vars: dict | None = None) -> DbtResult:
        """`dbt build`; fails the test with dbt's output when the build fails."""
        result = self.dbt("build", vars=vars)
        assert result.returncode == 0, result.output[-6000:]
        return result

    def analysis(self, name: str, vars: dict | None = None) -> list[tuple]:
        """Compile analyses/<name>.sql with `vars`, as a user would, and run it on the database."""
        result = self.dbt("compile", "--select", name, vars=vars)
        assert result.returncode == 0, result.output[-6000:]
        (compiled,) = (self.root / "target" / "compiled").rglob(f"analyses/{name}.sql")
        return self.query(compiled.read_text())

    def query(self, sql: str) -> list[tuple]:
        with duckdb.connect(str(self.db_path), read_only=True) as connection:
            return connection.execute(sql).fetchall()

    def query_dict(self, sql: str) -> list[dict]:
        with duckdb.connect(str(self.db_path), read_only=True) as connection:
            cursor = connection.execute(sql)
            names = [column[0] for column in cursor.description]
            return [dict(zip(names, row, strict=True)) for row in cursor.fetchall()]
