"""Fingerprints of inputs and atomic, provenance-carrying Parquet output.

Used by every result object: a fingerprint is a SHA-256 over a canonical byte
representation of the data (labels and values), independent of row order when
the caller sorts first, and stable across processes and platforms.
"""

from __future__ import annotations

import hashlib
import json
import os
import tempfile
from collections.abc import Mapping
from pathlib import Path
from typing import Any

import numpy as np
import pandas as pd

from govindex._version import __version__

__all__ = [
    "atomic_write_bytes",
    "file_checksum",
    "fingerprint_frame",
    "to_parquet_with_provenance",
]


def _update_with_series(h: Any, s: pd.Series) -> None:
    h.update(str(s.name).encode())
    if pd.api.types.is_numeric_dtype(s.dtype) and not pd.api.types.is_bool_dtype(s.dtype):
        arr = np.ascontiguousarray(s.to_numpy(dtype="float64", na_value=np.nan))
        h.update(arr.data.cast("B"))  # the array's bytes, without a copy
    else:
        # labels as integer codes (first-appearance order, -1 = missing) plus the distinct
        # labels: the same information as the strings, hashed without a Python loop per row
        codes, uniques = pd.factorize(s, use_na_sentinel=True)
        h.update(np.ascontiguousarray(codes, dtype=np.int64).data.cast("B"))
        h.update("\x1f".join(str(u) for u in uniques).encode("utf-8"))


def fingerprint_frame(frame: pd.DataFrame) -> str:
    """Return a stable SHA-256 hex digest of a DataFrame's index, columns and values.

    Numeric columns are hashed as float64 bytes (so ``1`` and ``1.0`` agree), other
    columns as their string form. Row order matters: sort before hashing when it
    should not.

    Parameters
    ----------
    frame : DataFrame
        The data to fingerprint.

    Returns
    -------
    str
        64 hexadecimal characters.

    Examples
    --------
    >>> df = pd.DataFrame({"a": [1, 2]})
    >>> fingerprint_frame(df) == fingerprint_frame(pd.DataFrame({"a": [1.0, 2.0]}))
    True
    >>> len(fingerprint_frame(df))
    64
    """
    h = hashlib.sha256()
    flat = frame.reset_index()
    for name in flat.columns:
        _update_with_series(h, flat[name])
    return h.hexdigest()


def file_checksum(path: str | os.PathLike[str]) -> str:
    """SHA-256 of a file's bytes, or of a folder's files (relative paths and contents).

    Run manifests store it for every input and output file; ``govindex verify`` checks it.
    """
    root = Path(path)
    h = hashlib.sha256()
    files = sorted(p for p in root.rglob("*") if p.is_file()) if root.is_dir() else [root]
    for f in files:
        h.update(f.relative_to(root).as_posix().encode() if root.is_dir() else b"")
        with f.open("rb") as fh:
            for block in iter(lambda: fh.read(1 << 20), b""):
                h.update(block)
    return h.hexdigest()


def _umask() -> int:
    mask = os.umask(0)
    os.umask(mask)
    return mask


def atomic_write_bytes(path: str | os.PathLike[str], data: bytes) -> Path:
    """Write ``data`` to ``path`` atomically (temporary file in the same folder, then rename).

    A failure at any point leaves an existing file at ``path`` untouched.
    """
    target = Path(path)
    target.parent.mkdir(parents=True, exist_ok=True)
    fd, tmp = tempfile.mkstemp(prefix=f".{target.name}.", suffix=".tmp", dir=target.parent)
    try:
        os.chmod(tmp, 0o666 & ~_umask())  # mkstemp makes 0600; give the usual permissions
        with os.fdopen(fd, "wb") as fh:
            fh.write(data)
            fh.flush()
            os.fsync(fh.fileno())
        os.replace(tmp, target)
    except BaseException:
        Path(tmp).unlink(missing_ok=True)
        raise
    return target


def to_parquet_with_provenance(
    frame: pd.DataFrame,
    path: str | os.PathLike[str],
    metadata: Mapping[str, Any],
) -> Path:
    """Write ``frame`` to Parquet atomically with ``metadata`` in the schema metadata.

    The metadata are stored as JSON under the key ``b"govindex"`` together with the
    library version. The file is byte-for-byte reproducible for equal inputs.

    Parameters
    ----------
    frame : DataFrame
        Table to write (its index is kept).
    path : path-like
        Destination; parent folders are created.
    metadata : mapping
        JSON-serialisable provenance: method, parameters, input fingerprints.

    Returns
    -------
    Path
        The path written.
    """
    import pyarrow as pa
    import pyarrow.parquet as pq

    table = pa.Table.from_pandas(frame, preserve_index=True)
    meta = dict(table.schema.metadata or {})
    payload = {"govindex_version": __version__, **dict(metadata)}
    meta[b"govindex"] = json.dumps(payload, sort_keys=True, default=str).encode()
    table = table.replace_schema_metadata(meta)
    sink = pa.BufferOutputStream()
    pq.write_table(table, sink, compression="zstd", write_statistics=True)
    return atomic_write_bytes(path, sink.getvalue().to_pybytes())


def read_provenance(path: str | os.PathLike[str]) -> dict[str, Any]:
    """Return the govindex provenance stored in a Parquet file's schema metadata."""
    import pyarrow.parquet as pq

    meta = pq.read_schema(path).metadata or {}
    raw = meta.get(b"govindex")
    return {} if raw is None else dict(json.loads(raw))
