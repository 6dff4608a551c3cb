"""The results of a run folder as the report reads them: from the stored tables, never recomputed.

``govindex report RESULTS`` publishes what the run wrote: the GPI and NPI results are
rebuilt from their stored tables (scores, changes, node scores, the catalog and entities
table as the run used them), the operational results are read as a
:class:`StoredOperational` view of their stored tables, and every file is read through
:func:`govindex.io.run_folder.read_run`, which checks it against the manifest. The inputs
named in the configuration are not read at all: an archived run stays publishable after
its inputs were revised in place.
"""

from __future__ import annotations

import datetime as dt
import warnings
from collections.abc import Mapping
from dataclasses import dataclass, field
from typing import TYPE_CHECKING, Any

import pandas as pd

from govindex.catalog import Catalog
from govindex.entities import Entities
from govindex.exceptions import GovindexWarning, RunFolderError, format_items

if TYPE_CHECKING:
    from govindex.io.run_folder import RunFolder
    from govindex.operational.proceedings import Commission
    from govindex.operational.scorecard import Scorecard

__all__ = ["StoredOperational", "stored_results"]

#: The columns of an operational summary that are totals (the others are blocks).
_TOTALS = ("base", "bonus", "penalty", "total", "max_points", "percent",
           "percent_with_bonus", "rank", "level")  # fmt: skip


@dataclass(frozen=True, eq=False)
class StoredOperational:
    """An operational result as stored in a run folder: what a report shows of it.

    It has the attributes of :class:`~govindex.operational.OperationalResult` that the
    report pages and charts read (``scorecard``, ``stage``, ``totals``, ``blocks``,
    ``preliminary``, ``lost_points``, ``cases``, ``verification``, ``conclusions``,
    ``published_on``, ``commission``, ``entities``, ``provenance``), taken from the
    stored tables; it scores nothing.
    """

    scorecard: Scorecard
    stage: str
    provenance: Mapping[str, Any]
    summary: pd.DataFrame
    points: pd.DataFrame
    cases: pd.DataFrame = field(default_factory=pd.DataFrame)
    conclusions: pd.DataFrame = field(default_factory=pd.DataFrame)
    verification: pd.DataFrame = field(default_factory=pd.DataFrame)
    prelim: StoredOperational | None = None

    @property
    def totals(self) -> pd.DataFrame:
        """Per body: base, bonus, penalty, total, max_points, percent, rank, level."""
        return self.summary.loc[:, [c for c in _TOTALS if c in self.summary.columns]].copy()

    @property
    def blocks(self) -> pd.DataFrame:
        """Block subtotals, entity × block."""
        return self.summary.loc[:, [b.code for b in self.scorecard.blocks]].copy()

    @property
    def entities(self) -> pd.Index:
        """The scored bodies."""
        return self.summary.index.copy()

    @property
    def preliminary(self) -> StoredOperational:
        """The preliminary figures (this view itself when it is preliminary)."""
        return self if self.prelim is None else self.prelim

    @property
    def lost_points(self) -> pd.DataFrame:
        """Points lost on each base criterion (max_points − points), entity × criterion."""
        rows = self.points.reset_index()
        rows = rows.loc[rows["kind"] == "criterion"]
        wide = rows.pivot(index="entity", columns="criterion", values="lost_points")
        codes = [c.code for c in self.scorecard.criteria]
        return wide.reindex(index=self.summary.index, columns=codes)

    @property
    def published_on(self) -> dt.date | None:
        """Publication date of the preliminary results."""
        found = self.provenance.get("published_on")
        return None if not found else dt.date.fromisoformat(str(found))

    @property
    def commission(self) -> Commission | None:
        """The commission's decision (None while preliminary)."""
        from govindex.operational.proceedings import Commission

        found = self.provenance.get("commission")
        if not isinstance(found, Mapping):
            return None
        return Commission.of(
            decided_on=found["decided_on"], protocol=found["protocol"], members=found["members"]
        )


def _files(run: RunFolder) -> dict[tuple[str, str, int], dict[str, str]]:
    """The result files of a run by (index, name, year) → table → file."""
    out: dict[tuple[str, str, int], dict[str, str]] = {}
    for (kind, name, year, table), f in run.results.items():
        out.setdefault((kind, name, year), {})[table] = f
    return out


def _need(run: RunFolder, files: Mapping[str, str], table: str, what: str) -> str:
    if table not in files:
        raise RunFolderError(
            f"{run.path} has no stored {table} table for {what} (it was written by an older "
            "govindex): re-run the configuration with this version, or report on the "
            "configuration itself"
        )
    return files[table]


def _catalog(run: RunFolder, name: str, fingerprint: object) -> Catalog:
    catalog = Catalog.from_frame(run.table(name))
    if fingerprint is not None and catalog.fingerprint != fingerprint:
        raise RunFolderError(
            f"{run.path / name} does not match the catalog fingerprint recorded with the run; "
            "the folder is damaged: re-run the configuration"
        )
    return catalog


def _gpi(run: RunFolder, files: Mapping[str, str], what: str, year: int) -> Any:
    from govindex.indices.gpi import GPIMethod, PerformanceResult

    scores = _need(run, files, "scores", what)
    prov = run.provenance(scores)
    fingerprints = dict(prov.get("fingerprints", {}))
    options: dict[str, Any] = {}
    if "entities" in files:
        options["entity_table"] = Entities.from_frame(run.table(files["entities"]))
    return PerformanceResult(
        year=year,
        method=GPIMethod.from_dict(prov.get("method", {})),
        catalog=_catalog(run, _need(run, files, "catalog", what), fingerprints.get("catalog")),
        scores=run.table(scores),
        changes=run.table(_need(run, files, "changes", what)),
        node_scores=run.table(_need(run, files, "node-scores", what)),
        node_coverage=pd.DataFrame(),
        fingerprints=fingerprints,
        options=options,
    )


def _npi(run: RunFolder, files: Mapping[str, str], what: str, year: int) -> Any:
    from govindex.indices.npi import NPIMethod, ProgressResult

    scores = _need(run, files, "scores", what)
    prov = run.provenance(scores)
    fingerprints = dict(prov.get("fingerprints", {}))
    return ProgressResult(
        year=year,
        method=NPIMethod.from_dict(prov.get("method", {})),
        catalog=_catalog(run, _need(run, files, "catalog", what), fingerprints.get("catalog")),
        scores=run.table(scores),
        indicators=run.table(_need(run, files, "indicators", what)),
        nodes_reference=pd.DataFrame(),
        nodes_base=pd.DataFrame(),
        fingerprints=fingerprints,
    )


def _operational(run: RunFolder, files: Mapping[str, str], what: str) -> StoredOperational:
    from govindex.operational.scorecard import Scorecard

    summary = _need(run, files, "summary", what)
    prov = run.provenance(summary)
    card = Scorecard.from_dict(
        prov["scorecard"], year=prov.get("scorecard_year"), source=prov.get("scorecard_source", "")
    )
    keep = {k: v for k, v in prov.items() if k not in ("run", "name", "index", "year", "table")}
    keep.pop("govindex_version", None)
    tables = {
        t: run.table(files[t]) for t in ("cases", "conclusions", "verification") if t in files
    }
    prelim = None
    if prov.get("stage") == "final" and "preliminary-summary" in files:
        prelim = StoredOperational(
            card, "preliminary", {**keep, "stage": "preliminary"},
            run.table(files["preliminary-summary"]),
            run.table(_need(run, files, "preliminary-points", what)),
        )  # fmt: skip
    return StoredOperational(
        scorecard=card,
        stage=str(prov.get("stage", "preliminary")),
        provenance=keep,
        summary=run.table(summary),
        points=run.table(_need(run, files, "points", what)),
        prelim=prelim,
        **tables,
    )


def stored_results(run: RunFolder) -> dict[tuple[str, str, int], Any]:
    """Every result of a run folder, read from its stored tables, by (index, name, year).

    GPI and NPI results are :class:`~govindex.PerformanceResult` and
    :class:`~govindex.ProgressResult` objects rebuilt from the tables (without their
    panel: they cannot be regenerated), operational results :class:`StoredOperational`
    views; an operational section's history and recommendations are their stored
    tables (``operational_history``, ``recommendations``). Composite-index sections are
    not part of the report: a :class:`~govindex.exceptions.GovindexWarning` names them
    (their tables stay in the run folder).
    """
    out: dict[tuple[str, str, int], Any] = {}
    skipped: set[str] = set()
    for (kind, name, year), files in sorted(_files(run).items()):
        what = f"{kind}.{name} {year}"
        if kind == "composite":
            skipped.add(f"composite.{name}")
        if kind == "gpi":
            out[(kind, name, year)] = _gpi(run, files, what, year)
        elif kind == "npi":
            out[(kind, name, year)] = _npi(run, files, what, year)
        elif kind == "operational" and "summary" in files:
            out[(kind, name, year)] = _operational(run, files, what)
        if kind == "operational" and "history" in files:
            out[("operational_history", name, year)] = run.table(files["history"])
        if kind == "operational" and "recommendations" in files:
            out[("recommendations", name, year)] = (
                run.table(files["recommendations"]),
                run.provenance(files["recommendations"]).get("monitored_on"),
            )
    if skipped:
        warnings.warn(
            GovindexWarning(
                "the report leaves out the composite-index section(s) "
                f"{format_items(sorted(skipped))}: it publishes GPI, NPI and operational "
                f"results; their tables are in {run.path}"
            ),
            stacklevel=4,  # stored_results ← the report's folder reader ← report_run ← caller
        )
    if not out and not skipped:  # composite only: the report says it needs a GPI
        raise RunFolderError(
            f"{run.path} holds no result files ({format_items(run.files)}): re-run the "
            "configuration"
        )
    return out
