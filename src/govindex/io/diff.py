"""What changed between two runs (``govindex diff OLD NEW``).

Compares the Parquet results of two :func:`govindex.run_batch` output folders: which
scores and ranks moved and by how much, and why — method changes (parameters in
the files' provenance), input revisions (changed start/end values of indicators)
and the indicators whose progress scores moved most for each body.
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

from govindex._provenance import read_provenance
from govindex.exceptions import ConfigError
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
}


def _flatten(d: Any, prefix: str = "") -> dict[str, Any]:
    if isinstance(d, dict):
        out: dict[str, Any] = {}
        for k, v in d.items():
            out.update(_flatten(v, f"{prefix}{k}."))
        return out
    return {prefix[:-1]: d}


def _results(folder: Path) -> dict[tuple[str, str, int, str], Path]:
    if not (folder / "manifest.json").is_file():
        raise ConfigError(f"{folder} is not a govindex run output (no manifest.json)")
    out = {}
    for f in sorted(folder.glob("*/*.parquet")):
        try:
            year = int(f.parent.name)
        except ValueError:
            continue
        kind, _, rest = f.stem.partition("_")
        name, _, table = rest.rpartition("_")
        out[(kind, name, year, table)] = f
    return out


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
        Parameters that differ between the runs' provenance: (index, name, parameter, old, new).
    input_changes : DataFrame
        Input fingerprints that differ: (input, old, new).
    """

    _scores: pd.DataFrame
    _drivers: pd.DataFrame
    _method_changes: pd.DataFrame
    _input_changes: pd.DataFrame
    _compared: Mapping[str, Any] = field(default_factory=dict)

    scores = HandOut[pd.DataFrame]("_scores")
    drivers = HandOut[pd.DataFrame]("_drivers")
    method_changes = HandOut[pd.DataFrame]("_method_changes")
    input_changes = HandOut[pd.DataFrame]("_input_changes")

    @property
    def provenance(self) -> dict[str, Any]:
        """The two run folders compared and the options of the comparison."""
        return {"kind": "run_diff", **dict(self._compared)}

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
        }

    def _summary(self) -> tuple[str, list[str]]:
        return "RunDiff", [
            f"{len(self.moved())} of {len(self._scores)} scores moved",
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
        if len(self._input_changes):
            lines.append("\ninputs revised:")
            lines += [f"  - {r.input}" for r in self._input_changes.itertuples()]
        if len(self._method_changes):
            lines.append("\nmethod changes:")
            lines += [
                f"  - {r.index}.{r.name}: {r.parameter} {r.old!r} → {r.new!r}"
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
    a, b = _results(old_dir), _results(new_dir)
    rows, drivers, method_rows = [], [], []
    for key in sorted(set(a) | set(b)):
        kind, name, year, table = key
        if kind not in _SCORE_FILES or table != _SCORE_FILES[kind][0]:
            continue
        col = _SCORE_FILES[kind][1]
        fa = pd.read_parquet(a[key]) if key in a else None
        fb = pd.read_parquet(b[key]) if key in b else None
        pa_meta = read_provenance(a[key]) if key in a else {}
        pb_meta = read_provenance(b[key]) if key in b else {}
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
        sa = fa[col] if fa is not None else pd.Series(dtype="float64")
        sb = fb[col] if fb is not None else pd.Series(dtype="float64")
        frame = pd.DataFrame({"old": sa, "new": sb})
        frame.index.name = "entity"
        rank_col = "rank" if fa is not None and "rank" in fa.columns else None
        frame["old_rank"] = (
            fa[rank_col].reindex(frame.index) if rank_col and fa is not None else pd.NA
        )
        frame["new_rank"] = (
            fb[rank_col].reindex(frame.index) if rank_col and fb is not None else pd.NA
        )
        frame = frame.reset_index()
        frame.insert(0, "year", year)
        frame.insert(0, "name", name)
        frame.insert(0, "index", kind)
        frame["explanation"] = "method changed: " + ", ".join(sorted(changed)) if changed else ""
        if kind == "gpi":
            d = _gpi_drivers(
                a.get((kind, name, year, "changes")), b.get((kind, name, year, "changes"))
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
        else pd.DataFrame(columns=["index", "name", "year", "entity", "old", "new"])
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
    return RunDiff(
        scores.loc[:, list(SCORE_COLUMNS)],
        pd.concat(drivers, ignore_index=True) if drivers else pd.DataFrame(),
        _method_frame(method_rows),
        _input_changes(old_dir, new_dir),
        {"old": str(old_dir), "new": str(new_dir), "top": int(top)},
    )


def _method_frame(rows: list[dict[str, Any]]) -> pd.DataFrame:
    frame = pd.DataFrame(rows, columns=["index", "name", "year", "parameter", "old", "new"])
    for col in ("old", "new"):  # keep each value as written (3 stays 3, not 3.0 next to 0.05)
        frame[col] = pd.Series([r[col] for r in rows], index=frame.index, dtype=object)
    return frame


def _gpi_drivers(fa: Path | None, fb: Path | None) -> pd.DataFrame:
    if fa is None or fb is None:
        return pd.DataFrame()
    key = ["entity", "indicator"]
    cols = [*key, "score", "weight", "start_year", "end_year", "start_value", "end_value", "class"]
    ca = pd.read_parquet(fa, columns=cols).set_index(key)
    cb = pd.read_parquet(fb, columns=cols).set_index(key)
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


def _input_changes(old_dir: Path, new_dir: Path) -> pd.DataFrame:
    fa = json.loads((old_dir / "manifest.json").read_text()).get("fingerprints", {})
    fb = json.loads((new_dir / "manifest.json").read_text()).get("fingerprints", {})
    rows = []
    for spec in sorted(set(fa) | set(fb)):
        a, b = fa.get(spec, {}), fb.get(spec, {})
        for inp in sorted(set(a) | set(b)):
            if inp.endswith("_file"):
                continue
            file_key = f"{inp}_file"
            if file_key in a and file_key in b:
                # the file itself is the evidence: same bytes → not revised, even if a method
                # change (e.g. the window) made the run read other rows of it
                if a[file_key] != b[file_key]:
                    rows.append({"input": f"{spec}.{inp}", "old": a[file_key], "new": b[file_key]})
            elif a.get(inp) != b.get(inp):
                rows.append({"input": f"{spec}.{inp}", "old": a.get(inp), "new": b.get(inp)})
    return pd.DataFrame(rows, columns=["input", "old", "new"])
