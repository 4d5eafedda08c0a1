"""End-to-end proof on real data: do guessed rules, calibrated rules and a plain model rank leads?

On the UCI Bank Marketing file (41,188 real telemarketing contacts, outcome `y`):

1. split the rows deterministically into TRAIN / TEST (70 / 30 by a hash of the row number and
   --seed; --sample N first keeps a deterministic N-row sample for a fast run). Every row gets a
   `lead_id` (B + its 1-based row number in the file) so the contacts keep their identity;
2. import both halves with scripts/import_leads.py (outcome y, job -> job_title, `duration`
   dropped because it is only known after the call and leaks the outcome, created_at
   2010-12-01 00:00:00, deals one day later);
3. build the dbt project on TRAIN with the example configuration
   (examples/bank_marketing/config, as_of 2011-06-01 so every lead is past the conversion
   window), read `rpt_rule_calibration` and write a calibrated configuration: the same files,
   scoring_rules.csv with each rule's points replaced by its suggested_points (rounded to 2
   places). A rule that never matched a TRAIN lead (suggested_points null) gets 0: there is no
   evidence for it, and its guessed points are not on the calibrated scale;
4. build TEST twice (example configuration, calibrated configuration) and read each contact's
   fct_lead_scores.total_score;
5. fit a plain logistic regression on TRAIN (numpy Newton / IRLS with a small L2 penalty; one-hot
   of every categorical column, standardised numeric columns; the imported columns minus
   duration) and predict TEST;
6. print the rank AUC (ties averaged) of the three on TEST, and write them as JSON (--json-out).

Everything is written below --work-dir (default target/bank_marketing_eval, replaced on each run).
"""

from __future__ import annotations

import argparse
import csv
import hashlib
import json
import os
import shutil
import sys
import time
from dataclasses import dataclass
from pathlib import Path

import duckdb
import numpy as np

sys.path.insert(0, str(Path(__file__).resolve().parent))

from _dbt_workspace import REPO_ROOT, DbtWorkspace, query
from import_leads import run_import

BANK_FILE_IN_SHARED_DATA = "uci_bank_marketing/bank-additional-full.csv"


def shared_data_file(relative: str) -> Path:
    """A file of the shared real data: $LEAD_SCORING_SHARED_DATA, else ../shared/data beside the
    repository, else /work/shared/data (where it lives on the project's machines)."""
    candidates = [
        Path(os.environ["LEAD_SCORING_SHARED_DATA"])
        if "LEAD_SCORING_SHARED_DATA" in os.environ
        else None,
        REPO_ROOT.parent / "shared" / "data",
        Path("/work/shared/data"),
    ]
    for folder in candidates:
        if folder is not None and (folder / relative).exists():
            return folder / relative
    return REPO_ROOT.parent / "shared" / "data" / relative


DEFAULT_DATA = shared_data_file(BANK_FILE_IN_SHARED_DATA)
DEFAULT_CONFIG = REPO_ROOT / "examples" / "bank_marketing" / "config"
MODEL_ID = "bank"
OUTCOME = "y"
ID_COLUMN = "lead_id"
LEAKING_COLUMNS = ["duration"]
CREATED_AT = "2010-12-01 00:00:00"
AS_OF = "2011-06-01 00:00:00"
TRAIN_SHARE = 0.7
WORK_DIR_MARKER = ".bank_marketing_eval"


@dataclass
class Split:
    header: list[str]
    train: list[list[str]]
    test: list[list[str]]
    rows_in_file: int


def unit_hash(*parts: object) -> float:
    """A deterministic number in [0, 1) from the parts (the same on every machine and run)."""
    digest = hashlib.blake2b(":".join(map(str, parts)).encode(), digest_size=8).digest()
    return int.from_bytes(digest, "big") / 2**64


def split_rows(data: Path, seed: int, sample: int | None) -> Split:
    """Read the `;`-separated file, add lead_id, sample (optional) and split 70 / 30."""
    with open(data, newline="", encoding="utf-8-sig") as file:
        reader = csv.reader(file, delimiter=";")
        header = next(reader)
        rows = [[f"B{number:06d}", *row] for number, row in enumerate(reader, start=1)]
    rows_in_file = len(rows)
    if sample is not None and sample < len(rows):
        rows = sorted(rows, key=lambda row: unit_hash("sample", seed, row[0]))[:sample]
        rows.sort(key=lambda row: row[0])
    train, test = [], []
    for row in rows:
        (train if unit_hash("split", seed, row[0]) < TRAIN_SHARE else test).append(row)
    return Split([ID_COLUMN, *header], train, test, rows_in_file)


def write_csv(path: Path, header: list[str], rows: list[list[str]]) -> None:
    path.parent.mkdir(parents=True, exist_ok=True)
    with open(path, "w", newline="", encoding="utf-8") as file:
        writer = csv.writer(file, delimiter=";", lineterminator="\n")
        writer.writerow(header)
        writer.writerows(rows)


def import_split(csv_path: Path, out: Path) -> dict:
    summary = run_import(
        input_path=csv_path,
        out=out,
        outcome_column=OUTCOME,
        positive_values=["yes"],
        separator=";",
        id_column=ID_COLUMN,
        mappings=["job_title=job"],
        drops=LEAKING_COLUMNS,
        created_at=CREATED_AT,
        deal_days=1,
    )
    return {
        "rows_in": summary.rows_in,
        "contacts_out": summary.contacts_out,
        "properties_written": summary.properties_written,
        "deals": summary.deals,
        "seconds": summary.seconds,
    }


def read_rule_calibration(database: Path) -> dict[str, tuple[int, float | None]]:
    """rule_id -> (leads_matched, suggested_points) of the bank model from rpt_rule_calibration."""
    try:
        rows = query(
            database,
            "select rule_id, leads_matched, suggested_points from rpt_rule_calibration "
            f"where model_id = '{MODEL_ID}'",
        )
    except duckdb.CatalogException as error:
        raise SystemExit(
            f"rpt_rule_calibration is not in the TRAIN build ({database}): this evaluation "
            "needs the rule calibration report model of the project"
        ) from error
    return {
        rule_id: (int(matched or 0), None if points is None else float(points))
        for rule_id, matched, points in rows
    }


def write_calibrated_config(
    config: Path, calibration: dict[str, tuple[int, float | None]], out: Path
) -> list[dict]:
    """Copy the config folder to out with the bank rules' points replaced by suggested_points."""
    shutil.copytree(config, out)
    rules_path = out / "scoring_rules.csv"
    with open(rules_path, newline="", encoding="utf-8") as file:
        reader = csv.DictReader(file)
        fieldnames = list(reader.fieldnames or [])
        rules = list(reader)
    report = []
    for rule in rules:
        if rule["model_id"] != MODEL_ID:
            continue
        if rule["rule_id"] not in calibration:
            raise RuntimeError(f"rule {rule['rule_id']} is missing from rpt_rule_calibration")
        matched, suggested = calibration[rule["rule_id"]]
        calibrated = 0.0 if suggested is None else round(suggested, 2)
        report.append(
            {
                "rule_id": rule["rule_id"],
                "guessed_points": float(rule["points"]),
                "leads_matched": matched,
                "suggested_points": suggested,
                "calibrated_points": calibrated,
            }
        )
        rule["points"] = f"{calibrated:.2f}"
    with open(rules_path, "w", newline="", encoding="utf-8") as file:
        writer = csv.DictWriter(file, fieldnames=fieldnames, lineterminator="\n")
        writer.writeheader()
        writer.writerows(rules)
    return report


def read_scores(database: Path) -> dict[str, float]:
    return {
        contact_id: float(score)
        for contact_id, score in query(
            database,
            f"select contact_id, total_score from fct_lead_scores where model_id = '{MODEL_ID}'",
        )
    }


# --- logistic regression -----------------------------------------------------------------------


def is_number(text: str) -> bool:
    try:
        float(text)
    except ValueError:
        return False
    return True


class FeatureEncoder:
    """One-hot for categorical columns (levels seen in TRAIN), z-scores for numeric columns."""

    def __init__(self, header: list[str], train: list[list[str]], exclude: set[str]):
        self.columns: list[tuple[int, str, str]] = []  # (index, name, kind)
        self.levels: dict[int, list[str]] = {}
        self.mean: dict[int, float] = {}
        self.std: dict[int, float] = {}
        for index, name in enumerate(header):
            if name in exclude:
                continue
            values = [row[index] for row in train]
            if all(is_number(value) for value in values):
                numbers = np.array([float(value) for value in values])
                self.columns.append((index, name, "numeric"))
                self.mean[index] = float(numbers.mean())
                self.std[index] = float(numbers.std()) or 1.0
            else:
                self.columns.append((index, name, "categorical"))
                self.levels[index] = sorted(set(values))
        self.feature_names = ["intercept"]
        for index, name, kind in self.columns:
            if kind == "numeric":
                self.feature_names.append(name)
            else:
                self.feature_names += [f"{name}={level}" for level in self.levels[index]]

    def transform(self, rows: list[list[str]]) -> np.ndarray:
        blocks = [np.ones((len(rows), 1))]
        for index, _name, kind in self.columns:
            if kind == "numeric":
                values = np.array([float(row[index]) for row in rows])
                blocks.append(((values - self.mean[index]) / self.std[index])[:, None])
            else:
                position = {level: i for i, level in enumerate(self.levels[index])}
                block = np.zeros((len(rows), len(position)))
                for row_number, row in enumerate(rows):
                    if row[index] in position:  # a level unseen in TRAIN is all zeros
                        block[row_number, position[row[index]]] = 1.0
                blocks.append(block)
        return np.hstack(blocks)


def fit_logistic_regression(
    features: np.ndarray, labels: np.ndarray, l2: float = 1.0, max_iterations: int = 100
) -> np.ndarray:
    """Newton / IRLS for L2-penalised logistic regression (the intercept is not penalised)."""
    weights = np.zeros(features.shape[1])
    penalty = np.full(features.shape[1], l2)
    penalty[0] = 0.0
    for _ in range(max_iterations):
        probabilities = 1.0 / (1.0 + np.exp(-(features @ weights)))
        gradient = features.T @ (probabilities - labels) + penalty * weights
        curvature = probabilities * (1.0 - probabilities)
        hessian = (features * curvature[:, None]).T @ features + np.diag(penalty)
        step = np.linalg.solve(hessian, gradient)
        weights -= step
        if np.max(np.abs(step)) < 1e-8:
            break
    return weights


# --- evaluation ---------------------------------------------------------------------------------


def rank_auc(scores: np.ndarray, labels: np.ndarray) -> float:
    """Area under the ROC curve from ranks (Mann-Whitney U); tied scores share their mean rank."""
    order = np.argsort(scores, kind="mergesort")
    sorted_scores = scores[order]
    ranks = np.empty(len(scores))
    start = 0
    while start < len(scores):
        end = start
        while end + 1 < len(scores) and sorted_scores[end + 1] == sorted_scores[start]:
            end += 1
        ranks[order[start : end + 1]] = (start + end) / 2 + 1
        start = end + 1
    positives = labels == 1
    n_positive, n_negative = int(positives.sum()), int((~positives).sum())
    if n_positive == 0 or n_negative == 0:
        return float("nan")
    return float(
        (ranks[positives].sum() - n_positive * (n_positive + 1) / 2) / (n_positive * n_negative)
    )


def prepare_work_dir(work_dir: Path) -> None:
    """Replace a work dir this script made before; refuse to wipe any other non-empty folder."""
    if work_dir.exists():
        if any(work_dir.iterdir()) and not (work_dir / WORK_DIR_MARKER).exists():
            raise SystemExit(
                f"--work-dir {work_dir} is not empty and was not made by this script; "
                "choose another folder"
            )
        shutil.rmtree(work_dir)
    work_dir.mkdir(parents=True)
    (work_dir / WORK_DIR_MARKER).write_text("made by scripts/evaluate_bank_marketing.py\n")


def evaluate(
    data: Path, config: Path, work_dir: Path, seed: int, sample: int | None, threads: int
) -> dict:
    timings: dict[str, float] = {}

    def timed(name: str, started: float) -> None:
        timings[name] = round(time.monotonic() - started, 2)

    started = time.monotonic()
    prepare_work_dir(work_dir)
    split = split_rows(data, seed, sample)
    header = split.header
    outcome_index = header.index(OUTCOME)
    for name, rows in (("train", split.train), ("test", split.test)):
        write_csv(work_dir / "split" / f"{name}.csv", header, rows)
    timed("split", started)

    started = time.monotonic()
    imports = {
        name: import_split(work_dir / "split" / f"{name}.csv", work_dir / "raw" / name)
        for name in ("train", "test")
    }
    timed("import", started)

    workspace = DbtWorkspace(work_dir / "project")
    train_db = work_dir / "train.duckdb"
    started = time.monotonic()
    workspace.build(
        raw_data_path=work_dir / "raw" / "train",
        config_dir=config,
        database=train_db,
        as_of=AS_OF,
        threads=threads,
    )
    timed("dbt_build_train", started)
    calibrated_config = work_dir / "config_calibrated"
    calibration = write_calibrated_config(
        config, read_rule_calibration(train_db), calibrated_config
    )

    test_scores = {}
    for name, config_dir in (("default", config), ("calibrated", calibrated_config)):
        database = work_dir / f"test_{name}.duckdb"
        started = time.monotonic()
        workspace.build(
            raw_data_path=work_dir / "raw" / "test",
            config_dir=config_dir,
            database=database,
            as_of=AS_OF,
            threads=threads,
        )
        timed(f"dbt_build_test_{name}", started)
        test_scores[name] = read_scores(database)

    started = time.monotonic()
    encoder = FeatureEncoder(header, split.train, exclude={ID_COLUMN, OUTCOME, *LEAKING_COLUMNS})
    train_labels = np.array([row[outcome_index] == "yes" for row in split.train], dtype=float)
    test_labels = np.array([row[outcome_index] == "yes" for row in split.test], dtype=float)
    weights = fit_logistic_regression(encoder.transform(split.train), train_labels)
    test_features = encoder.transform(split.test)
    lr_scores = test_features @ weights
    timed("logistic_regression", started)

    test_ids = [row[0] for row in split.test]
    for name, scores in test_scores.items():
        if set(scores) != set(test_ids):
            raise RuntimeError(
                f"the {name} TEST build scored {len(scores)} contacts, expected {len(test_ids)}"
            )
    auc = {
        "default_rules": rank_auc(
            np.array([test_scores["default"][i] for i in test_ids]), test_labels
        ),
        "calibrated_rules": rank_auc(
            np.array([test_scores["calibrated"][i] for i in test_ids]), test_labels
        ),
        "logistic_regression": rank_auc(lr_scores, test_labels),
    }
    return {
        "data": str(data),
        "rows_in_file": split.rows_in_file,
        "sample": sample,
        "seed": seed,
        "as_of": AS_OF,
        "config": str(config),
        "calibrated_config": str(calibrated_config),
        "rows": {"train": len(split.train), "test": len(split.test)},
        "positives": {"train": int(train_labels.sum()), "test": int(test_labels.sum())},
        "imports": imports,
        "auc_test": auc,
        "logistic_regression": {
            "features": len(encoder.feature_names),
            "l2": 1.0,
            "train_auc": rank_auc(encoder.transform(split.train) @ weights, train_labels),
        },
        "calibration": calibration,
        "timings_seconds": timings,
    }


def format_report(result: dict) -> str:
    rows, positives = result["rows"], result["positives"]
    lines = [
        f"Bank marketing: {result['rows_in_file']:,} rows in the file"
        + (f", sample of {result['sample']:,}" if result["sample"] else "")
        + f"; TRAIN {rows['train']:,} ({positives['train']:,} yes), "
        f"TEST {rows['test']:,} ({positives['test']:,} yes); seed {result['seed']}",
        "",
        "Rules (guessed -> calibrated on TRAIN by rpt_rule_calibration):",
        f"  {'rule_id':<26} {'matched':>8} {'guessed':>8} {'suggested':>10} {'used':>8}",
    ]
    for rule in result["calibration"]:
        suggested = (
            "null" if rule["suggested_points"] is None else f"{rule['suggested_points']:.2f}"
        )
        lines.append(
            f"  {rule['rule_id']:<26} {rule['leads_matched']:>8,} "
            f"{rule['guessed_points']:>8.2f} {suggested:>10} {rule['calibrated_points']:>8.2f}"
        )
    lines += [
        "",
        "AUC on TEST (rank-based, ties averaged):",
        f"  {'scorer':<42} {'AUC':>6}",
    ]
    names = {
        "default_rules": "example config (guessed points)",
        "calibrated_rules": "calibrated config (suggested points)",
        "logistic_regression": "logistic regression (numpy IRLS, L2 = 1)",
    }
    for key, value in result["auc_test"].items():
        lines.append(f"  {names[key]:<42} {value:6.4f}")
    lines.append("")
    lines.append(
        "timings (s): "
        + ", ".join(f"{name} {seconds:.1f}" for name, seconds in result["timings_seconds"].items())
    )
    return "\n".join(lines)


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(
        description=__doc__.split("\n\n")[0],
        formatter_class=argparse.RawDescriptionHelpFormatter,
        epilog=__doc__.split("\n\n", 1)[1],
    )
    parser.add_argument("--data", type=Path, default=DEFAULT_DATA, help="bank-additional-full.csv")
    parser.add_argument(
        "--config", type=Path, default=DEFAULT_CONFIG, help="configuration folder to start from"
    )
    parser.add_argument(
        "--work-dir",
        type=Path,
        default=REPO_ROOT / "target" / "bank_marketing_eval",
        help="folder for the split, imports, configs, dbt project copy and DuckDB files "
        "(replaced on each run)",
    )
    parser.add_argument("--seed", type=int, default=42, help="seed of the sample and the split")
    parser.add_argument("--sample", type=int, help="keep a deterministic sample of N rows first")
    parser.add_argument("--threads", type=int, default=2, help="dbt threads (default 2)")
    parser.add_argument("--json-out", type=Path, help="write the results as JSON here")
    args = parser.parse_args(argv)
    result = evaluate(
        args.data.absolute(),
        args.config.absolute(),
        args.work_dir.absolute(),
        args.seed,
        args.sample,
        args.threads,
    )
    print(format_report(result))
    if args.json_out:
        args.json_out.parent.mkdir(parents=True, exist_ok=True)
        args.json_out.write_text(json.dumps(result, indent=2) + "\n")
        print(f"wrote {args.json_out}")
    return 0


if __name__ == "__main__":
    sys.exit(main())
