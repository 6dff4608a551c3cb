"""Re-runs that reuse what the previous run of the same output folder proves unchanged.

A GPI, NPI or composite section of :func:`govindex.run_batch` is reused, instead of read
and computed again, only when all of these hold against the manifest of the run already
in the output folder:

- the same govindex version, panel fingerprint scheme, run name and years;
- the same section configuration (files, method, options), as recorded in the manifest;
- the same bytes of every input file of the section (SHA-256 of the panel, catalog,
  entity table and lineage files);
- every result file of the section, for every year, still has the SHA-256 that the
  manifest lists (a file edited or removed since is computed again).

The section's files are then copied as they are, with their fingerprints and notes from
the previous manifest, so that the new run folder is byte for byte the one a full run
writes. Operational sections are always computed again (their scorecard and inputs are
read as tables, not checksummed as files).
"""

from __future__ import annotations

import json
import os
from dataclasses import dataclass
from pathlib import Path
from typing import Any

from govindex._provenance import file_checksum
from govindex._rows_digest import ROWS_SCHEME

__all__ = ["PreviousRun", "previous_run"]


@dataclass(frozen=True)
class PreviousRun:
    """The manifest of the run found in an output folder."""

    folder: Path
    manifest: dict[str, Any]

    def section(
        self,
        config: dict[str, Any],
        version: str,
        kind: str,
        name: str,
        inputs: dict[str, str],
        outputs: list[str],
    ) -> dict[str, Any] | None:
        """What the previous run recorded for section ``kind.name``, if provably unchanged.

        Parameters
        ----------
        config : dict
            The new run's configuration (:meth:`RunConfig.to_dict`).
        version : str
            The govindex version of the new run.
        kind, name : str
            The section (``"gpi"``, ``"npi"`` or ``"composite"``, and its name).
        inputs : dict
            SHA-256 of the section's input files, keyed as in the manifest
            (``panel_file``, ``catalog_file``, …).
        outputs : list of str
            The section's result files, relative to the output folder.

        Returns
        -------
        dict or None
            ``{"fingerprints": …, "notes": […]}`` of the previous run, or ``None`` when
            anything differs or cannot be checked.

        Examples
        --------
        >>> old = PreviousRun(Path("."), {"govindex_version": "0"})
        >>> old.section({}, "1", "gpi", "x", {}, []) is None  # another version
        True
        """
        m = self.manifest
        old_config = m.get("config")
        key = f"{kind}.{name}"
        fingerprints = m.get("fingerprints", {}).get(key)
        notes = m.get("section_notes", {}).get(key)
        new = json.loads(json.dumps(config, sort_keys=True))  # as the manifest stores it
        if (
            m.get("govindex_version") != version
            # fingerprints of another scheme would be copied into the new manifest
            or m.get("fingerprint_scheme") != {"panel": ROWS_SCHEME}
            or not isinstance(old_config, dict)
            or not isinstance(fingerprints, dict)
            or not isinstance(notes, list)
            or any(old_config.get(k) != new.get(k) for k in ("name", "years"))
            or not isinstance(old_config.get(kind), dict)
            or old_config[kind].get(name) != new.get(kind, {}).get(name)
            or {k: v for k, v in fingerprints.items() if k.endswith("_file")} != inputs
        ):
            return None
        files = m["files"]
        for rel in outputs:
            if rel not in files or _checksum(self.folder / rel) != files[rel]:
                return None
        return {"fingerprints": fingerprints, "notes": notes}


def _checksum(path: Path) -> str | None:
    try:
        return file_checksum(path) if path.is_file() else None
    except OSError:
        return None


def previous_run(folder: str | os.PathLike[str]) -> PreviousRun | None:
    """The run in ``folder`` (its manifest), or ``None`` when there is none to reuse.

    Examples
    --------
    >>> import tempfile
    >>> previous_run(tempfile.mkdtemp()) is None
    True
    """
    path = Path(os.path.abspath(folder))
    if path.is_symlink():
        path = path.resolve()
    try:
        manifest = json.loads((path / "manifest.json").read_bytes())
    except (OSError, ValueError, RecursionError):
        return None
    if not isinstance(manifest, dict) or not isinstance(manifest.get("files"), dict):
        return None
    if not isinstance(manifest.get("fingerprints", {}), dict):
        return None
    if not isinstance(manifest.get("section_notes", {}), dict):
        return None
    return PreviousRun(path, manifest)
