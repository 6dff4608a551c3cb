"""What changed between two runs (``govindex diff OLD NEW``).

Compares the Parquet results of two :func:`govindex.run_batch` output folders: which
scores and ranks moved and by how much, and why — method changes (parameters in
the files' provenance), input revisions (changed start/end values of indicators)
and the indicators whose progress scores moved most for each body. Only the (index,
section, year) results that both runs hold are compared; those of one run only (another
set of years, a section added or removed) are listed in :attr:`RunDiff.unmatched`, never
counted as moves.
"""

from __future__ import annotations

import json
import os
from collections.abc import Mapping
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

import numpy as np
import pandas as pd

from govindex.exceptions import RunFolderError
from govindex.io.run_folder import RunFolder, read_run
from govindex.results import HandOut, TableResult

__all__ = ["SCORE_COLUMNS", "RunDiff", "diff_runs"]

#: Columns of :attr:`RunDiff.scores`.
SCORE_COLUMNS = (
    "index", "name", "year", "entity", "old", "new", "delta",
    "old_rank", "new_rank", "rank_change", "explanation",
)  # fmt: skip

_SCORE_FILES = {
    "gpi": ("scores", "gpi"),
    "npi": ("scores", "npi_reference"),
    "operational": ("summary", "total"),
    "composite": ("scores", ""),  # every root of the section's catalog
}


def _flatten(d: Any, prefix: str = "") -> dict[str, Any]:
    if isinstance(d, dict):
        out: dict[str, Any] = {}
        for k, v in d.items():
            out.update(_flatten(v, f"{prefix}{k}."))
        return out
    return {prefix[:-1]: d}


def _score_frame(
    run: RunFolder, name: str, col: str, *, absent_ok: bool = False
) -> tuple[pd.Series, pd.Series | None]:
    """Scores and ranks (if the table has them) of one score table, checked.

    ``absent_ok``: a missing score column (a root of the other run's catalog only) gives
    missing scores instead of an error.
    """
    frame = run.table(name)
    if col not in frame.columns:
        if absent_ok:
            return pd.Series(np.nan, index=frame.index, dtype="float64"), None
        run.table(name, columns=[col])  # raises: names the file and the missing column
    rank = frame["rank"] if "rank" in frame.columns else None
    return frame[col], rank


def _root_columns(
    run_a: RunFolder,
    a: Mapping[tuple[str, str, int, str], str],
    run_b: RunFolder,
    b: Mapping[tuple[str, str, int, str], str],
    name: str,
    year: int,
) -> list[tuple[str, str]]:
    """The roots of a composite section's stored catalogs (both runs): the score columns
    compared, each with the name it is shown under (``name/root`` when there are several).
    """
    roots: list[str] = []
    for run, files in ((run_a, a), (run_b, b)):
        key = ("composite", name, year, "catalog")
        if key not in files:
            raise RunFolderError(
                f"{run.path} has no stored catalog for composite.{name} {year} (it was "
                "written by an older govindex): re-run the configuration"
            )
        catalog = run.table(files[key], columns=["code", "parent"])
        top = catalog.loc[catalog["parent"].fillna("").astype("str") == "", "code"]
        roots += [str(c) for c in top if str(c) not in roots]
    return [(name if len(roots) == 1 else f"{name}/{r}", r) for r in roots]


def _compared(
    kind: str,
    name: str,
    year: int,
    sa: pd.Series,
    rank_a: pd.Series | None,
    sb: pd.Series,
    rank_b: pd.Series | None,
    changed: set[str],
) -> pd.DataFrame:
    """One comparison's rows of :attr:`RunDiff.scores` (before delta and rank change)."""
    frame = pd.DataFrame({"old": sa, "new": sb})
    frame.index.name = "entity"
    ranked = rank_a is not None
    frame["old_rank"] = rank_a.reindex(frame.index) if rank_a is not None else pd.NA
    frame["new_rank"] = rank_b.reindex(frame.index) if ranked and rank_b is not None else pd.NA
    frame = frame.reset_index()
    frame.insert(0, "year", year)
    frame.insert(0, "name", name)
    frame.insert(0, "index", kind)
    frame["explanation"] = "method changed: " + ", ".join(sorted(changed)) if changed else ""
    return frame


@dataclass(frozen=True, repr=False, eq=False)
class RunDiff(TableResult):
    """Differences between two runs (immutable; the :class:`~govindex.results.TableResult`
    protocol, frames handed out read-only).

    Attributes
    ----------
    scores : DataFrame
        One row per (index, name, year, entity or year of NPI): old and new score,
        delta, old and new rank, rank change, and ``explanation``.
    drivers : DataFrame
        GPI only: per (name, year, entity, indicator) the old and new progress score,
        the weighted contribution ``weight × Δscore`` and whether the inputs were revised.
    method_changes : DataFrame
        Parameters that differ between the runs' provenance: one row per (index, name,
        parameter, old, new) with the ``years`` of the results it applies to.
    input_changes : DataFrame
        Input fingerprints that differ: (input, old, new).
    unmatched : DataFrame
        Results that only one run holds, not compared: (index, name, year, only_in) with
        ``only_in`` ``"old"`` or ``"new"``.
    notes : tuple of str
        What the comparison could not do as usual, e.g. panel fingerprints of two schemes
        (runs of govindex versions before and after ``govindex-rows-1``).
    """

    _scores: pd.DataFrame
    _drivers: pd.DataFrame
    _method_changes: pd.DataFrame
    _input_changes: pd.DataFrame
    _compared: Mapping[str, Any] = field(default_factory=dict)
    _unmatched: pd.DataFrame = field(
        default_factory=lambda: pd.DataFrame(columns=["index", "name", "year", "only_in"])
    )
    _notes: tuple[str, ...] = ()

    scores = HandOut[pd.DataFrame]("_scores")
    drivers = HandOut[pd.DataFrame]("_drivers")
    method_changes = HandOut[pd.DataFrame]("_method_changes")
    input_changes = HandOut[pd.DataFrame]("_input_changes")
    unmatched = HandOut[pd.DataFrame]("_unmatched")

    @property
    def notes(self) -> tuple[str, ...]:
        """What the comparison could not do as usual (empty when nothing)."""
        return self._notes

    @property
    def provenance(self) -> dict[str, Any]:
        """The two run folders compared, the options of the comparison and its notes."""
        return {"kind": "run_diff", **dict(self._compared), "notes": list(self._notes)}

    def _tables(self) -> dict[str, pd.DataFrame]:
        # the parameters' old and new values mix numbers and text: exported as JSON text
        changes = self._method_changes.copy()
        for col in ("old", "new"):
            text = [json.dumps(v, default=str) for v in changes[col]]
            changes[col] = pd.array(text, dtype="str")
        return {
            "scores": self._scores,
            "drivers": self._drivers,
            "method_changes": changes,
            "input_changes": self._input_changes,
            "unmatched": self._unmatched,
        }

    def _summary(self) -> tuple[str, list[str]]:
        return "RunDiff", [
            f"{len(self.moved())} of {len(self._scores)} scores moved "
            f"({len(self._unmatched)} result(s) in one run only, not compared)",
            f"{len(self._method_changes)} method change(s), "
            f"{len(self._input_changes)} input revision(s)",
        ]

    def moved(self, threshold: float = 1e-9) -> pd.DataFrame:
        """Rows of :attr:`scores` whose score or rank changed."""
        s = self._scores
        return s.loc[
            (s["delta"].abs() > threshold)
            | (s["rank_change"].fillna(0) != 0)
            | (s["old"].isna() != s["new"].isna())
        ]

    def to_text(self, max_rows: int = 20) -> str:
        """A readable summary."""
        moved = self.moved()
        lines = [f"{len(moved)} of {len(self._scores)} scores moved"]
        if self._notes:
            lines.append("\nnotes:")
            lines += [f"  - {n}" for n in self._notes]
        if len(self._unmatched):
            lines.append("\nnot compared (in one run only):")
            for (only, index, name), rows in self._unmatched.groupby(
                ["only_in", "index", "name"], sort=True
            ):
                years = ", ".join(str(y) for y in sorted(rows["year"]))
                lines.append(f"  - {index}.{name} {years}: only in the {only} run")
        if len(self._input_changes):
            lines.append("\ninputs revised:")
            lines += [f"  - {r.input}" for r in self._input_changes.itertuples()]
        if len(self._method_changes):
            lines.append("\nmethod changes:")
            lines += [
                f"  - {r.index}.{r.name} ({r.years}): {r.parameter} {r.old!r} → {r.new!r}"
                for r in self._method_changes.itertuples()
            ]
        if len(moved):
            show = moved.reindex(moved["delta"].abs().sort_values(ascending=False).index).head(
                max_rows
            )
            cols = [c for c in SCORE_COLUMNS if c != "rank_change"]
            with pd.option_context(
                "display.width", 160, "display.max_colwidth", 70, "display.precision", 2
            ):
                lines += ["\nlargest moves:", show[cols].to_string(index=False)]
        return "\n".join(lines)


def diff_runs(
    old: str | os.PathLike[str], new: str | os.PathLike[str], *, top: int = 3
) -> RunDiff:
    """Compare two run output folders.

    Parameters
    ----------
    old, new : path-like
        Output folders of :func:`govindex.run_batch` (with ``manifest.json``).
    top : int, default 3
        How many driving indicators to name in each GPI explanation.

    Returns
    -------
    RunDiff
    """
    old_dir, new_dir = Path(old), Path(new)
    run_a, run_b = read_run(old_dir), read_run(new_dir)
    a, b = run_a.results, run_b.results
    rows, drivers, method_rows, unmatched = [], [], [], []
    for key in sorted(set(a) | set(b)):
        kind, name, year, table = key
        if kind not in _SCORE_FILES or table != _SCORE_FILES[kind][0]:
            continue
        if (key in a) != (key in b):  # another set of years or sections: nothing to compare
            unmatched.append({"index": kind, "name": name, "year": year,
                              "only_in": "old" if key in a else "new"})  # fmt: skip
            continue
        pa_meta, pb_meta = run_a.provenance(a[key]), run_b.provenance(b[key])
        ma, mb = _flatten(pa_meta.get("method", {})), _flatten(pb_meta.get("method", {}))
        changed = {k for k in set(ma) | set(mb) if ma.get(k) != mb.get(k)}
        for k in sorted(changed):
            method_rows.append(
                {
                    "index": kind,
                    "name": name,
                    "year": year,
                    "parameter": k,
                    "old": ma.get(k),
                    "new": mb.get(k),
                }
            )
        if kind == "composite":  # one comparison per root of the catalogs
            for label, col in _root_columns(run_a, a, run_b, b, name, year):
                sa, rank_a = _score_frame(run_a, a[key], col, absent_ok=True)
                sb, rank_b = _score_frame(run_b, b[key], col, absent_ok=True)
                rows.append(_compared(kind, label, year, sa, rank_a, sb, rank_b, changed))
            continue
        col = _SCORE_FILES[kind][1]
        sa, rank_a = _score_frame(run_a, a[key], col)
        sb, rank_b = _score_frame(run_b, b[key], col)
        frame = _compared(kind, name, year, sa, rank_a, sb, rank_b, changed)
        if kind == "gpi":
            d = _gpi_drivers(
                run_a,
                a.get((kind, name, year, "changes")),
                run_b,
                b.get((kind, name, year, "changes")),
            )
            if len(d):
                d.insert(0, "year", year)
                d.insert(0, "name", name)
                drivers.append(d)
                frame["explanation"] = _explain(frame, d, top, changed)
        rows.append(frame)
    scores = (
        pd.concat(rows, ignore_index=True)
        if rows
        else pd.DataFrame(
            {
                c: pd.Series(dtype="float64" if c in ("old", "new") else object)
                for c in SCORE_COLUMNS
            }
        )
    )
    scores["delta"] = scores["new"] - scores["old"]
    scores["rank_change"] = pd.to_numeric(scores["old_rank"], errors="coerce") - pd.to_numeric(
        scores["new_rank"], errors="coerce"
    )
    same = (scores["delta"].abs() <= 1e-9) | (scores["old"].isna() & scores["new"].isna())
    scores["explanation"] = scores["explanation"].where(~same, "")
    rank_only = same & (scores["rank_change"].fillna(0) != 0)
    scores.loc[rank_only, "explanation"] = (
        "score unchanged; rank moved because other scores changed"
    )
    notes = _scheme_notes(run_a, run_b)
    return RunDiff(
        scores.loc[:, list(SCORE_COLUMNS)],
        pd.concat(drivers, ignore_index=True) if drivers else pd.DataFrame(),
        _method_frame(method_rows),
        _input_changes(run_a.fingerprints, run_b.fingerprints, rows_comparable=not notes),
        {"old": str(old_dir), "new": str(new_dir), "top": int(top)},
        pd.DataFrame(unmatched, columns=["index", "name", "year", "only_in"]),
        notes,
    )


def _scheme_notes(run_a: RunFolder, run_b: RunFolder) -> tuple[str, ...]:
    """A note when the runs' panel fingerprints are of two schemes (so never equal)."""
    a, b = run_a.panel_scheme, run_b.panel_scheme
    if a == b:
        return ()
    va = run_a.manifest.get("govindex_version", "?")
    vb = run_b.manifest.get("govindex_version", "?")
    return (
        f"the panel fingerprint scheme changed with the govindex version (old run: "
        f"{va}, {a}; new run: {vb}, {b}): the fingerprints of the panel rows cannot be "
        "compared, so a panel counts as revised only when its file's SHA-256 changed",
    )


def _method_frame(rows: list[dict[str, Any]]) -> pd.DataFrame:
    """One row per (index, name, parameter, old, new), with the years it applies to."""
    merged: dict[tuple[str, str, str, str, str], dict[str, Any]] = {}
    for r in rows:
        key = (r["index"], r["name"], r["parameter"], json.dumps(r["old"], default=str),
               json.dumps(r["new"], default=str))  # fmt: skip
        if key in merged:
            merged[key]["years"].append(r["year"])
        else:
            merged[key] = {**r, "years": [r["year"]]}
    out = list(merged.values())
    frame = pd.DataFrame(
        {
            "index": [r["index"] for r in out],
            "name": [r["name"] for r in out],
            "years": [", ".join(str(y) for y in sorted(r["years"])) for r in out],
            "parameter": [r["parameter"] for r in out],
        },
        columns=["index", "name", "years", "parameter"],
    )
    for col in ("old", "new"):  # keep each value as written (3 stays 3, not 3.0 next to 0.05)
        frame[col] = pd.Series([r[col] for r in out], index=frame.index, dtype=object)
    return frame


def _gpi_drivers(
    run_a: RunFolder, fa: str | None, run_b: RunFolder, fb: str | None
) -> pd.DataFrame:
    if fa is None or fb is None:
        return pd.DataFrame()
    key = ["entity", "indicator"]
    cols = [*key, "score", "weight", "start_year", "end_year", "start_value", "end_value", "class"]
    ca = run_a.table(fa, columns=cols).set_index(key)
    cb = run_b.table(fb, columns=cols).set_index(key)
    j = ca.merge(cb, how="outer", left_index=True, right_index=True, suffixes=("_old", "_new"))
    weight = j["weight_new"].fillna(j["weight_old"])
    # a revision = other values for the same years; other years (e.g. a new window) is the method
    same_years = (j["start_year_old"] == j["start_year_new"]).fillna(False) & (
        j["end_year_old"] == j["end_year_new"]
    ).fillna(False)
    same_values = np.isclose(
        j["start_value_old"], j["start_value_new"], equal_nan=True
    ) & np.isclose(j["end_value_old"], j["end_value_new"], equal_nan=True)
    d = pd.DataFrame(
        {
            "score_old": j["score_old"],
            "score_new": j["score_new"],
            "class_old": j["class_old"].astype("str"),
            "class_new": j["class_new"].astype("str"),
            "contribution": weight * (j["score_new"].fillna(50.0) - j["score_old"].fillna(50.0)),
            "input_revised": same_years.to_numpy(dtype=bool) & ~same_values,
        }
    )
    return d.reset_index()


def _explain(frame: pd.DataFrame, drivers: pd.DataFrame, top: int, changed: set[str]) -> pd.Series:
    moving = drivers.loc[drivers["contribution"].abs() > 1e-9].copy()
    moving["abs"] = moving["contribution"].abs()
    moving = moving.sort_values(["entity", "abs"], ascending=[True, False], kind="stable")
    moving["part"] = [
        f"{ind} {c:+.2f}" + (" (input revised)" if rev else "")
        for ind, c, rev in zip(
            moving["indicator"], moving["contribution"], moving["input_revised"], strict=True
        )
    ]
    text = moving.groupby("entity")["part"].agg(lambda s: ", ".join(s.head(top)))
    prefix = f"method changed ({', '.join(sorted(changed))}); " if changed else ""
    # reindex (not map): an empty ``text`` would give float NaN that cannot be filled with ""
    parts = text.astype("str").reindex(frame["entity"]).fillna("").to_numpy()
    out = pd.Series(parts, index=frame.index, dtype="str")
    return (prefix + out).str.strip("; ")


def _input_changes(
    fa: Mapping[str, Any], fb: Mapping[str, Any], *, rows_comparable: bool = True
) -> pd.DataFrame:
    """Inputs revised between two runs: their content changed (not the order of their rows).

    A catalog is revised when its fingerprint (canonical row order) differs. A panel is
    revised when both the rows read (fingerprint, independent of row order) and the file
    (checksum) differ: the same file read over another window is a method change, and the
    same rows in another order, or other rows of the file that the run does not read, are
    not a revision of what it computed. ``rows_comparable=False`` (panel fingerprints of
    two schemes): a panel is revised when its file checksum differs, and not listed when
    there is no file checksum to compare.
    """
    rows = []
    for spec in sorted(set(fa) | set(fb)):
        a, b = fa.get(spec, {}), fb.get(spec, {})
        a, b = (a if isinstance(a, dict) else {}), (b if isinstance(b, dict) else {})
        for inp in sorted(set(a) | set(b)):
            if inp.endswith("_file"):
                continue
            file_key = f"{inp}_file"
            revised = a.get(inp) != b.get(inp)
            if revised and inp != "catalog" and file_key in a and file_key in b:
                revised = a[file_key] != b[file_key]
            elif revised and inp == "panel" and not rows_comparable:
                revised = False  # fingerprints of two schemes; no file checksum to judge by
            if revised:
                rows.append({"input": f"{spec}.{inp}", "old": a.get(inp), "new": b.get(inp)})
    return pd.DataFrame(rows, columns=["input", "old", "new"])
