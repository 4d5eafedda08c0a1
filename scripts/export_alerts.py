"""Export the sales alerts that are new since the previous export as a JSON Lines file.

Each run writes the alerts of fct_sales_alerts whose alert_id was never exported before to
`<out-dir>/alerts-<UTC time>.jsonl` (one JSON object per alert, oldest first) for downstream tools
(CRM tasks, Slack, email), and remembers the exported ids in `<out-dir>/.export_state/`.

What is not sent is remembered too, so a later run does not send it either:
- the first export (no ledger yet) sends the open alerts only: the closed ones are history nobody
  can act on (--include-closed sends them);
- --triggered-after T skips the alerts triggered at or before T, in this run and every later one
  (T is stored; a later, larger T replaces it), also alerts that first appear in a later build.

Crash safety (nothing sent twice, nothing lost), whatever moment the process dies:
1. the batch is written to a temp file and fsynced;
2. it is recorded as pending (with its alert ids; written to a temp file, fsynced, renamed);
3. the temp file is renamed into place: the rename is the commit;
4. its ids are appended to the exported-ids ledger and the pending record is removed.
On start, a pending batch is settled first: if its temp file is still there the rename never
happened (the batch is dropped and exported again now); otherwise it was committed (its ids go to
the ledger, even if a consumer already took the file away). A temp file without a pending record
never began to commit and is removed. An exclusive lock on `.export_state/lock` keeps two runs on
one folder from overlapping (the second waits).

Usage: .venv/bin/python scripts/export_alerts.py [--database lead_scoring.duckdb]
       [--out-dir exports/alerts] [--triggered-after "2026-01-01 00:00:00"] [--include-closed]
Exit codes: 0 done, 1 the database has no fct_sales_alerts (or cannot be opened), 2 usage.
"""

from __future__ import annotations

import argparse
import fcntl
import json
import os
import re
import sys
from datetime import UTC, date, datetime
from decimal import Decimal
from pathlib import Path

import duckdb
from atomic_files import fsync_dir, write_atomically

STATE_DIR = ".export_state"
LEDGER = "exported_alert_ids.txt"
PENDING = "pending.json"
TRIGGERED_AFTER = "triggered_after.txt"
ALERT_ID = re.compile(r"^[0-9a-f]{32}$")


def crash_point(name: str) -> None:
    """Fault injection for tests: die right here, like a killed process (no cleanup)."""
    if os.environ.get("LEAD_SCORING_EXPORT_CRASH_AT") == name:
        os._exit(70)


def read_ledger(state_dir: Path) -> set[str]:
    path = state_dir / LEDGER
    if not path.exists():
        return set()
    # a line cut short by a crash is not an id; its batch is settled again from pending.json
    return {line for line in path.read_text().split("\n") if ALERT_ID.match(line)}


def append_to_ledger(state_dir: Path, alert_ids: list[str]) -> None:
    with open(state_dir / LEDGER, "a", encoding="utf-8") as file:
        file.write("".join(f"\n{alert_id}\n" for alert_id in alert_ids))
        file.flush()
        os.fsync(file.fileno())


def settle_pending(state_dir: Path, out_dir: Path) -> str | None:
    """Finish or roll back the batch an interrupted run left; returns what was done."""
    pending_path = state_dir / PENDING
    if not pending_path.exists():
        return None
    pending = json.loads(pending_path.read_text())
    batch = out_dir / pending["file"]
    temporary = batch.with_name(batch.name + ".tmp")
    if temporary.exists():
        # forget the batch before dropping its file: a crash in between leaves a temp batch
        # without a pending record, which the run drops and sends again; the other order would
        # leave a pending record without its file, which reads as committed and loses the batch
        pending_path.unlink()
        fsync_dir(state_dir)
        crash_point("rolling_back")
        temporary.unlink()
        fsync_dir(out_dir)
        return f"rolled back unfinished batch {batch.name}"
    append_to_ledger(state_dir, pending["alert_ids"])
    pending_path.unlink()
    fsync_dir(state_dir)
    return f"settled committed batch {batch.name}"


def to_json(value: object) -> object:
    if isinstance(value, datetime | date):
        return value.isoformat()
    if isinstance(value, Decimal):
        return str(value)
    return value


def new_alerts(database: Path, exported: set[str]) -> list[dict]:
    """The alerts never exported (nor skipped) before, oldest first."""
    with duckdb.connect(str(database), read_only=True) as connection:
        cursor = connection.execute(
            "select * from main.fct_sales_alerts order by triggered_at, alert_id"
        )
        names = [column[0] for column in cursor.description]
        rows = [dict(zip(names, row, strict=True)) for row in cursor.fetchall()]
    return [row for row in rows if row["alert_id"] not in exported]


def skip_reason(
    alert: dict, first_export: bool, triggered_after: datetime | None, include_closed: bool
) -> str | None:
    if triggered_after is not None and alert["triggered_at"] <= triggered_after:
        return f"triggered at or before {triggered_after}"
    if first_export and not include_closed and not alert["is_open"]:
        return "closed before the first export"
    return None


def export(
    database: Path,
    out_dir: Path,
    triggered_after: datetime | None = None,
    include_closed: bool = False,
) -> tuple[Path | None, int]:
    out_dir.mkdir(parents=True, exist_ok=True)
    state_dir = out_dir / STATE_DIR
    state_dir.mkdir(exist_ok=True)
    # one export at a time per folder: a second run waits instead of racing the first
    with open(state_dir / "lock", "w") as lock:
        fcntl.flock(lock, fcntl.LOCK_EX)
        return export_locked(database, out_dir, state_dir, triggered_after, include_closed)


def export_locked(
    database: Path,
    out_dir: Path,
    state_dir: Path,
    triggered_after: datetime | None,
    include_closed: bool,
) -> tuple[Path | None, int]:
    outcome = settle_pending(state_dir, out_dir)
    if outcome:
        print(outcome)
    # a temp batch without a pending record never started to commit: drop it
    for orphan in out_dir.glob("alerts-*.jsonl.tmp"):
        orphan.unlink()
    # the cut-off holds for every later run too: stored before anything is sent
    stored = state_dir / TRIGGERED_AFTER
    if stored.exists():
        earlier = datetime.fromisoformat(stored.read_text().strip())
        triggered_after = max(earlier, triggered_after) if triggered_after else earlier
    if triggered_after is not None:
        write_atomically(stored, triggered_after.isoformat(sep=" ") + "\n")
    first_export = not (state_dir / LEDGER).exists()
    skipped: dict[str, list[str]] = {}
    alerts = []
    for alert in new_alerts(database, read_ledger(state_dir)):
        reason = skip_reason(alert, first_export, triggered_after, include_closed)
        if reason:
            skipped.setdefault(reason, []).append(alert["alert_id"])
        else:
            alerts.append({name: to_json(value) for name, value in alert.items()})
    skipped_ids = [alert_id for ids in skipped.values() for alert_id in ids]
    # remembered before anything is sent: a crash after this only leaves them skipped
    if first_export:
        # the ledger is born whole, with the skipped ids: a rerun after a crash finishes this
        # first export as begun (with its --include-closed choice), it does not start another
        write_atomically(state_dir / LEDGER, "".join(f"{alert_id}\n" for alert_id in skipped_ids))
    elif skipped_ids:
        append_to_ledger(state_dir, skipped_ids)
    for reason, ids in skipped.items():
        print(f"not sent, remembered as seen: {len(ids)} alert(s) {reason}")
    if not alerts:
        return None, 0
    stamp = datetime.now(UTC).strftime("%Y%m%dT%H%M%S%fZ")
    batch = out_dir / f"alerts-{stamp}.jsonl"
    alert_ids = [alert["alert_id"] for alert in alerts]
    temporary = batch.with_name(batch.name + ".tmp")
    with open(temporary, "w", encoding="utf-8") as file:
        for alert in alerts:
            file.write(json.dumps(alert, sort_keys=True) + "\n")
        file.flush()
        os.fsync(file.fileno())
    fsync_dir(out_dir)  # the temp file must be durable before pending.json points at it
    crash_point("before_pending")
    # pending is recorded only once the temp file exists: while it is there, nothing is committed
    write_atomically(state_dir / PENDING, json.dumps({"file": batch.name, "alert_ids": alert_ids}))
    crash_point("before_commit")
    os.replace(temporary, batch)
    fsync_dir(out_dir)
    crash_point("after_commit")
    append_to_ledger(state_dir, alert_ids)
    (state_dir / PENDING).unlink()
    fsync_dir(state_dir)
    return batch, len(alerts)


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("--database", type=Path, default=Path("lead_scoring.duckdb"))
    parser.add_argument("--out-dir", type=Path, default=Path("exports/alerts"))
    parser.add_argument(
        "--triggered-after",
        help="skip alerts triggered at or before this UTC time (ISO, e.g. '2026-01-01 00:00:00'), "
        "now and in later exports",
    )
    parser.add_argument(
        "--include-closed",
        action="store_true",
        help="the first export also sends the alerts already closed (default: open ones only)",
    )
    args = parser.parse_args(argv)
    triggered_after = None
    if args.triggered_after:
        try:
            triggered_after = datetime.fromisoformat(args.triggered_after)
        except ValueError:
            print(
                f"error: --triggered-after {args.triggered_after!r} is not an ISO time "
                "(e.g. '2026-01-01 00:00:00')",
                file=sys.stderr,
            )
            return 2
        if triggered_after.tzinfo is not None:  # alerts are naive UTC
            triggered_after = triggered_after.astimezone(UTC).replace(tzinfo=None)
    if not args.database.exists():
        print(f"error: database {args.database} not found (run dbt build first)", file=sys.stderr)
        return 2
    try:
        batch, count = export(args.database, args.out_dir, triggered_after, args.include_closed)
    except duckdb.Error as error:
        print(
            f"error: cannot read the alerts of {args.database} (a build holding it, or no "
            f"dbt build yet?): {str(error).splitlines()[0]}",
            file=sys.stderr,
        )
        return 1
    print(f"exported {count} new alert(s)" + (f" to {batch}" if batch else ""))
    return 0


if __name__ == "__main__":
    sys.exit(main())
