"""Reading a run's output folder: the manifest, checked against the files it lists.

A run folder (written by :func:`govindex.run_batch`) holds ``manifest.json`` and the
Parquet files it lists with their SHA-256. :func:`read_run` reads the manifest and
the bytes of every file it lists, checks each checksum, and hands out the tables
parsed from the very bytes it checked, so what a reader computes from is what the
run wrote. A folder that is not one complete run (a file missing, truncated, edited
or left from another run; a manifest that is not a run's manifest) is a
:class:`~govindex.exceptions.RunFolderError` in one line that names the folder, the
files and the fix. ``govindex diff`` and ``govindex report`` read run folders this way.
"""

from __future__ import annotations

import hashlib
import json
import os
import time
from collections.abc import Mapping, Sequence
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

import pandas as pd

from govindex.exceptions import RunFolderError, format_items

__all__ = ["LEGACY_PANEL_SCHEME", "MANIFEST", "RunFolder", "read_run"]

#: The manifest of a run folder.
MANIFEST = "manifest.json"
#: The panel fingerprint scheme of manifests that record none (written before
#: ``govindex-rows-1``): a SHA-256 over the sorted panel frame, column after column.
LEGACY_PANEL_SCHEME = "frame-sha256"
_HEX = frozenset("0123456789abcdef")


@dataclass(frozen=True, eq=False)
class RunFolder:
    """A run output folder whose files matched their manifest checksums when read.

    Attributes
    ----------
    path : Path
        The folder.
    manifest : mapping
        The parsed ``manifest.json``.
    """

    path: Path
    manifest: Mapping[str, Any]
    _data: Mapping[str, bytes] = field(default_factory=dict, repr=False)

    @property
    def files(self) -> list[str]:
        """The files of the run (paths relative to the folder, ``2025/gpi_local_scores.parquet``)."""
        return sorted(self._data)

    @property
    def results(self) -> dict[tuple[str, str, int, str], str]:
        """The result files by (index, section name, year, table).

        The ``YEAR/INDEX_NAME_TABLE.parquet`` files that ``govindex run`` writes (table
        names hold no ``_``); files outside a year folder are not results.
        """
        out: dict[tuple[str, str, int, str], str] = {}
        for f in self.files:
            folder, _, stem = f.removesuffix(".parquet").rpartition("/")
            try:
                year = int(folder)
            except ValueError:
                continue
            kind, _, rest = stem.partition("_")
            name, _, table = rest.rpartition("_")
            out[(kind, name, year, table)] = f
        return out

    @property
    def config(self) -> dict[str, Any]:
        """The run configuration recorded in the manifest (``RunConfig.to_dict()``)."""
        config = self.manifest.get("config")
        if not isinstance(config, dict) or not isinstance(config.get("years"), list):
            raise RunFolderError(
                f"{self.path / MANIFEST} records no run configuration ('config' with its "
                "'years'); it was not written by govindex run: re-run the configuration"
            )
        return dict(config)

    @property
    def fingerprints(self) -> dict[str, Any]:
        """The input fingerprints recorded in the manifest (empty when there are none)."""
        found = self.manifest.get("fingerprints", {})
        return dict(found) if isinstance(found, dict) else {}

    @property
    def panel_scheme(self) -> str:
        """The scheme of the panel fingerprints of the manifest (``govindex-rows-1`` since it
        is recorded; :data:`LEGACY_PANEL_SCHEME` for the manifests of earlier versions).

        Panel fingerprints of two schemes differ for the same rows: compare them only when
        the schemes are equal.
        """
        found = self.manifest.get("fingerprint_scheme", {})
        scheme = found.get("panel") if isinstance(found, dict) else None
        return str(scheme) if scheme is not None else LEGACY_PANEL_SCHEME

    def table(self, name: str, columns: Sequence[str] | None = None) -> pd.DataFrame:
        """The Parquet file ``name`` of the run as a DataFrame (parsed from the checked bytes).

        A missing column (a file of another version or of another kind) is a
        :class:`~govindex.exceptions.RunFolderError` naming the file and the column.
        """
        import pyarrow as pa
        import pyarrow.parquet as pq

        try:
            schema = pq.read_schema(pa.BufferReader(self._data[name]))
            absent = [c for c in columns or () if c not in schema.names]
            if absent:
                raise RunFolderError(
                    f"{self.path / name} has no column(s) {format_items(absent)} (it has "
                    f"{format_items(schema.names)}); it is not a result file of this govindex "
                    "version: re-run the configuration"
                )
            table = pq.read_table(pa.BufferReader(self._data[name]), columns=columns)
            return table.to_pandas()
        except KeyError:
            raise RunFolderError(f"{self.path} has no result file {name!r}") from None
        except (pa.ArrowException, OSError, ValueError) as exc:
            if isinstance(exc, RunFolderError):
                raise
            raise RunFolderError(
                f"cannot read {self.path / name}: {type(exc).__name__}: {exc}"
            ) from None

    def provenance(self, name: str) -> dict[str, Any]:
        """The govindex provenance in the schema metadata of the file ``name``."""
        import pyarrow as pa
        import pyarrow.parquet as pq

        try:
            meta = pq.read_schema(pa.BufferReader(self._data[name])).metadata or {}
            raw = meta.get(b"govindex")
            found = {} if raw is None else json.loads(raw)
        except (pa.ArrowException, OSError, ValueError, KeyError) as exc:
            raise RunFolderError(
                f"cannot read the provenance of {self.path / name}: {exc}"
            ) from None
        return dict(found) if isinstance(found, dict) else {}


def _manifest(path: Path) -> tuple[bytes, dict[str, Any]]:
    mf = path / MANIFEST
    if not path.is_dir():
        raise RunFolderError(f"{path} is not a govindex run output (no such folder)")
    try:
        raw = mf.read_bytes()
    except FileNotFoundError:
        raise RunFolderError(
            f"{path} is not a govindex run output (no {MANIFEST}); pass the output folder of "
            "govindex run"
        ) from None
    except OSError as exc:
        raise RunFolderError(f"cannot read {mf}: {exc}") from None
    try:
        manifest = json.loads(raw)
    except (ValueError, RecursionError) as exc:
        raise RunFolderError(
            f"{mf} is not valid JSON ({exc}); the folder is damaged: re-run the configuration"
        ) from None
    files = manifest.get("files") if isinstance(manifest, dict) else None
    if not isinstance(files, dict) or not all(
        isinstance(k, str) and isinstance(v, str) and len(v) == 64 and set(v) <= _HEX
        for k, v in files.items()
    ):
        raise RunFolderError(
            f"{mf} is not a run manifest (expected a table with 'files': path → SHA-256); "
            "the folder is damaged or was not written by govindex run: re-run the configuration"
        )
    return raw, manifest


def _inside(path: Path, name: str) -> Path:
    target = (path / name).resolve()
    if not target.is_relative_to(path.resolve()) or target == path.resolve():
        raise RunFolderError(f"{path / MANIFEST} lists a file outside its folder: {name!r}")
    return target


def _check(path: Path, manifest: Mapping[str, Any]) -> tuple[dict[str, bytes], list[str]]:
    """The bytes of the listed files, and what does not match the manifest."""
    data: dict[str, bytes] = {}
    wrong: list[str] = []
    for name, digest in sorted(manifest["files"].items()):
        try:
            blob = _inside(path, name).read_bytes()
        except (FileNotFoundError, IsADirectoryError, NotADirectoryError):
            wrong.append(f"{name} (missing)")
            continue
        if hashlib.sha256(blob).hexdigest() != digest:
            wrong.append(f"{name} (changed)")
        data[name] = blob
    listed = set(manifest["files"])
    extra = sorted(
        f.relative_to(path).as_posix()
        for f in path.glob("*/*.parquet")
        if f.relative_to(path).as_posix() not in listed
    )
    wrong += [f"{name} (not in the manifest)" for name in extra]
    return data, wrong


def read_run(folder: str | os.PathLike[str]) -> RunFolder:
    """Read a run output folder and check every file against its manifest.

    Parameters
    ----------
    folder : path-like
        The output folder of :func:`govindex.run_batch` (``govindex run``).

    Returns
    -------
    RunFolder
        The manifest and the checked bytes of every file it lists.

    Raises
    ------
    RunFolderError
        No folder or no ``manifest.json``; a manifest that is not valid JSON or not
        a run's manifest; a listed file missing or with another checksum; a Parquet
        file in a year folder that the manifest does not list. The message names
        the folder and the files.

    Notes
    -----
    A run replaces its folder in one atomic switch; a reader that read the manifest
    of the previous run just before the switch finds the new files: :func:`read_run`
    then reads the manifest again and checks once more (up to three times) before it
    calls the folder mixed.

    Examples
    --------
    >>> import tempfile
    >>> from govindex.datasets import demo_config_path
    >>> from govindex.io.batch import run_batch
    >>> out = run_batch(demo_config_path(), output=tempfile.mkdtemp())
    >>> run = read_run(out.config.output)
    >>> run.files[:2]
    ['2019/operational_central_appeals.parquet', '2019/operational_central_cases.parquet']
    >>> _ = (out.config.output / run.files[0]).write_bytes(b"PAR1")
    >>> read_run(out.config.output)
    Traceback (most recent call last):
    ...
    govindex.exceptions.RunFolderError: ... does not hold one complete run: ...appeals.parquet (changed)...
    """
    path = Path(folder)
    for attempt in range(3):
        raw, manifest = _manifest(path)
        data, wrong = _check(path, manifest)
        if not wrong:
            return RunFolder(path, manifest, data)
        if _manifest(path)[0] == raw and attempt:
            break  # the same manifest twice: not a switch in progress
        time.sleep(0.05)
    raise RunFolderError(
        f"{path} does not hold one complete run: {len(wrong)} file(s) differ from its "
        f"{MANIFEST} ({format_items(wrong, 5)}); the folder was changed after the run or "
        "mixed with another: re-run the configuration to rewrite it"
    )
