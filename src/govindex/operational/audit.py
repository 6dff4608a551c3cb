"""The audit trail of an operational assessment: append-only events chained by hashes.

Every state change of an :class:`~govindex.operational.result.OperationalResult` —
scored, a verification correction, an appeal filed, an appeal decided, finalised,
reopened — is one row of its ``events`` table: who, when (the date of the act as
stated by the office), what, why, the values and the body's total before and after,
and the details of the act as JSON. Each event carries the SHA-256 of its own content
and of the event before it (``prev_hash``; the first event chains to 64 zeros), so
changing any field of any event, or removing an event from the middle, breaks the
chain. The last hash (the *head*) is written into the provenance of every table of the
result (``events_head``, ``n_events``): removing events from the end no longer matches
it, and in a batch run the manifest's checksums cover every file.

:func:`verify_results` (``govindex verify RESULTS``) checks a folder of results.

The chain makes an edit *detectable*, not impossible: someone who rewrites the events,
every table's provenance and the manifest can forge a consistent folder. Publish the
head hash with the commission's protocol (it is in ``result.provenance``) to anchor it
outside the folder.
"""

from __future__ import annotations

import hashlib
import json
import math
import os
from collections.abc import Mapping
from dataclasses import dataclass
from pathlib import Path
from typing import Any, Literal

import numpy as np
import pandas as pd

from govindex._provenance import file_checksum, read_provenance
from govindex.exceptions import ScorecardError, format_items

__all__ = [
    "EVENT_COLUMNS",
    "GENESIS",
    "AuditReport",
    "EventKind",
    "append_event",
    "chain_problems",
    "empty_events",
    "verify_results",
]

EventKind = Literal[
    "scored", "verified", "appeal filed", "appeal decided", "finalised", "reopened"
]

#: Columns of the ``events`` table and their dtypes (``on`` is an ISO date or "").
EVENT_COLUMNS: dict[str, str] = {
    "seq": "int64",
    "event": "str",
    "on": "str",
    "by": "str",
    "case": "str",
    "entity": "str",
    "criterion": "str",
    "what": "str",
    "why": "str",
    "value_before": "float64",
    "value_after": "float64",
    "total_before": "float64",
    "total_after": "float64",
    "details": "str",
    "prev_hash": "str",
    "hash": "str",
}
#: ``prev_hash`` of the first event.
GENESIS = "0" * 64
_HASHED = tuple(c for c in EVENT_COLUMNS if c != "hash")
_NUMBERS = ("value_before", "value_after", "total_before", "total_after")


def empty_events() -> pd.DataFrame:
    """An events table without events."""
    return pd.DataFrame({c: pd.Series(dtype=t) for c, t in EVENT_COLUMNS.items()})


def _canonical(value: Any) -> Any:
    if isinstance(value, float | np.floating):
        return float(value) if math.isfinite(value) else None
    if isinstance(value, np.integer):
        return int(value)
    return value


def _hash(row: Mapping[str, Any]) -> str:
    payload = [_canonical(row[c]) for c in _HASHED]
    text = json.dumps(payload, ensure_ascii=False, separators=(",", ":"), allow_nan=False)
    return hashlib.sha256(text.encode("utf-8")).hexdigest()


def append_event(
    events: pd.DataFrame,
    event: EventKind,
    *,
    on: str = "",
    by: str = "",
    case: str = "",
    entity: str = "",
    criterion: str = "",
    what: str = "",
    why: str = "",
    value_before: float = math.nan,
    value_after: float = math.nan,
    total_before: float = math.nan,
    total_after: float = math.nan,
    details: Mapping[str, Any] | None = None,
) -> pd.DataFrame:
    """Return ``events`` with one more event, chained to the last one (never modified).

    Examples
    --------
    >>> trail = append_event(empty_events(), "scored", on="2020-02-03", by="office",
    ...                      what="2 bodies scored")
    >>> trail = append_event(trail, "finalised", on="2020-03-01", by="commission")
    >>> trail["seq"].tolist(), trail["prev_hash"].iloc[1] == trail["hash"].iloc[0]
    ([1, 2], True)
    >>> chain_problems(trail)
    []
    """
    prev = GENESIS if events.empty else str(events["hash"].iloc[-1])
    row: dict[str, Any] = {
        "seq": len(events) + 1,
        "event": event,
        "on": on,
        "by": by,
        "case": case,
        "entity": entity,
        "criterion": criterion,
        "what": what,
        "why": why,
        "value_before": float(value_before),
        "value_after": float(value_after),
        "total_before": float(total_before),
        "total_after": float(total_after),
        "details": json.dumps(dict(details or {}), sort_keys=True, default=str),
        "prev_hash": prev,
    }
    row["hash"] = _hash(row)
    new = pd.DataFrame({k: [v] for k, v in row.items()}).astype(EVENT_COLUMNS)
    return new if events.empty else pd.concat([events, new], ignore_index=True)


def chain_problems(events: pd.DataFrame) -> list[str]:
    """Every break of the hash chain of an events table (empty when it is intact).

    Finds an edited event (its hash no longer matches its content), a removed or
    inserted event (the sequence numbers or the links to the previous hash break)
    and missing columns.

    Examples
    --------
    >>> trail = append_event(empty_events(), "scored", by="office")
    >>> trail = append_event(trail, "finalised", by="commission", why="protocol 7")
    >>> edited = trail.copy()
    >>> edited.loc[1, "why"] = "protocol 8"
    >>> chain_problems(edited)
    ['event 2 (finalised) was edited: its content no longer matches its hash']
    >>> chain_problems(trail.iloc[[1]].reset_index(drop=True))  # the first event removed
    ['event 2 (finalised) follows event 0: 1 event(s) missing before it']
    """
    missing = [c for c in EVENT_COLUMNS if c not in events.columns]
    if missing:
        return [f"the events table lacks the column(s) {', '.join(missing)}"]
    problems: list[str] = []
    prev_hash, prev_seq = GENESIS, 0
    records = events.loc[:, list(EVENT_COLUMNS)].to_dict("records")
    for raw in records:
        row = {
            str(k): v for k, v in raw.items()
        }  # a short list of events; each link is checked in order
        seq = int(row["seq"])
        label = f"event {seq} ({row['event']})"
        if seq != prev_seq + 1:
            gap = seq - prev_seq - 1
            problems.append(
                f"{label} follows event {prev_seq}: {gap} event(s) missing before it"
                if gap > 0
                else f"{label} follows event {prev_seq}: the sequence runs backwards"
            )
        elif row["prev_hash"] != prev_hash:
            problems.append(f"{label} does not link to the event before it (prev_hash differs)")
        if _hash(row) != row["hash"]:
            problems.append(f"{label} was edited: its content no longer matches its hash")
        prev_hash, prev_seq = str(row["hash"]), seq
    return problems


@dataclass(frozen=True)
class AuditReport:
    """What :func:`verify_results` checked and found.

    Attributes
    ----------
    folder : Path
        The folder (or file) checked.
    trails : DataFrame
        One row per events table: ``file``, ``n_events``, ``head`` (the last hash) and
        ``ok``.
    problems : DataFrame
        One row per problem: ``file`` and ``problem`` (empty when all is well).
    """

    folder: Path
    trails: pd.DataFrame
    problems: pd.DataFrame

    @property
    def ok(self) -> bool:
        """True when at least one trail was checked and nothing was found."""
        return len(self.trails) > 0 and self.problems.empty

    def to_text(self) -> str:
        """A short report for the command line."""
        lines = [f"govindex verify {self.folder}"]
        for file, n, head, ok in self.trails.itertuples(index=False, name=None):
            mark = "ok" if ok else "FAILED"
            lines.append(f"  {file}: {n} events, head {str(head)[:12]}… {mark}")
        if self.trails.empty:
            lines.append("  no events table found (files named *events.parquet)")
        for row in self.problems.itertuples(index=False):
            lines.append(f"  problem: {row.file}: {row.problem}")
        lines.append("verified: the audit trails are intact" if self.ok else "NOT verified")
        return "\n".join(lines)


def _trail_problems(path: Path, root: Path) -> tuple[dict[str, Any], list[str]]:
    events = pd.read_parquet(path)
    problems = chain_problems(events)
    head = GENESIS if events.empty else str(events["hash"].iloc[-1])
    meta = read_provenance(path)
    table = str(meta.get("table", "events"))
    prefix = path.name.removesuffix(f"{table}.parquet")
    seen: dict[tuple[str, int], list[str]] = {}
    for sibling in sorted(path.parent.glob(f"{prefix}*.parquet")):
        prov = meta if sibling == path else read_provenance(sibling)
        if "events_head" not in prov:
            continue
        key = (str(prov["events_head"]), int(prov.get("n_events", -1)))
        if key != (head, len(events)):
            seen.setdefault(key, []).append(sibling.name)
    for (other, n_other), names in seen.items():
        problems.append(
            f"the trail ends at event {len(events)} (head {head[:12]}…) but "
            f"{format_items(names)} were written after event {n_other} (head {other[:12]}…): "
            "events were removed or added"
        )
    row = {"file": path.relative_to(root).as_posix(), "n_events": len(events), "head": head}
    return row, problems


def _manifest_problems(root: Path) -> list[tuple[str, str]]:
    manifest = root / "manifest.json"
    if not manifest.is_file():
        return []
    files = json.loads(manifest.read_text(encoding="utf-8")).get("files", {})
    out = []
    for rel, digest in sorted(files.items()):
        path = root / rel
        if not path.is_file():
            out.append((rel, "listed in manifest.json but missing"))
        elif file_checksum(path) != digest:
            out.append((rel, "its checksum differs from manifest.json: the file was changed"))
    return out


def verify_results(path: str | os.PathLike[str]) -> AuditReport:
    """Check the audit trails of a folder of results (``govindex verify RESULTS``).

    Every ``*events.parquet`` file under ``path`` (or ``path`` itself) is checked: the
    hash chain (an edited, removed or inserted event), the head against the
    ``events_head`` recorded in the provenance of the tables written with it (events
    removed from the end, or a whole trail replaced), and, when the folder holds the
    ``manifest.json`` of a batch run, the checksum of every file it lists.

    Parameters
    ----------
    path : path-like
        A results folder (``govindex run`` output, or a folder written by
        :meth:`OperationalResult.to_parquet`) or one events file.

    Returns
    -------
    AuditReport

    Raises
    ------
    ScorecardError
        When ``path`` does not exist.
    """
    target = Path(path)
    if not target.exists():
        raise ScorecardError(f"nothing to verify: {target} does not exist")
    root = target if target.is_dir() else target.parent
    files = sorted(root.rglob("*events.parquet")) if target.is_dir() else [target]
    rows, problems = [], []
    for f in files:
        row, found = _trail_problems(f, root)
        rows.append({**row, "ok": not found})
        problems += [(row["file"], p) for p in found]
    if target.is_dir():
        problems += _manifest_problems(root)
    trails = pd.DataFrame(rows, columns=["file", "n_events", "head", "ok"]).astype(
        {"file": "str", "n_events": "int64", "head": "str", "ok": "bool"}
    )
    found_frame = pd.DataFrame(problems, columns=["file", "problem"]).astype("str")
    return AuditReport(target, trails, found_frame)
