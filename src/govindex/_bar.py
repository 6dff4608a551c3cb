"""Progress of long work (batch sections and years): a bar on a terminal, silent otherwise.

The bar is drawn by ``tqdm`` when it is installed (``pip install govindex[progress]``), else
by a plain one-line bar. By default it shows only on an interactive terminal outside CI
(``CI`` set in the environment): silent in notebooks (whose streams are not terminals),
pipes, log files and CI, unless asked for with ``enabled=True``.
"""

from __future__ import annotations

import os
import sys
import time
from typing import Any, TextIO


def _wanted(stream: TextIO) -> bool:
    """Whether a bar is shown by default: an interactive terminal, and not in CI."""
    return stream.isatty() and not os.environ.get("CI")


class Progress:
    """Report ``done / total`` steps on ``stream``.

    Parameters
    ----------
    total : int
        Number of steps.
    label : str
        Shown before the bar.
    enabled : bool or None
        Force on/off; ``None`` = only when ``stream`` is a terminal and ``CI`` is not set.
    stream : text stream, optional
        Where the bar is drawn (default: standard error).

    Examples
    --------
    >>> bar = Progress(2, "job")  # standard error is not a terminal here: silent
    >>> bar.step("first"); bar.step("second")
    >>> bar.done
    2
    """

    def __init__(
        self,
        total: int,
        label: str = "",
        *,
        enabled: bool | None = None,
        stream: TextIO | None = None,
    ) -> None:
        self.total = max(int(total), 1)
        self.label = label
        self.stream = stream if stream is not None else sys.stderr
        self.enabled = _wanted(self.stream) if enabled is None else enabled
        self.done = 0
        self._start = time.perf_counter()
        self._tqdm: Any = None
        if self.enabled:
            try:
                from tqdm import tqdm
            except ImportError:  # the optional dependency is not installed: the plain bar
                pass
            else:
                self._tqdm = tqdm(
                    total=self.total, desc=label, file=self.stream, leave=True, dynamic_ncols=True
                )

    def step(self, what: str = "") -> None:
        """Advance by one step, describing the step just finished."""
        self.done += 1
        if not self.enabled:
            return
        if self._tqdm is not None:
            self._tqdm.set_postfix_str(what[:40], refresh=False)
            self._tqdm.update(1)
            if self.done >= self.total:
                self._tqdm.close()
            return
        width = 28
        filled = int(width * self.done / self.total)
        elapsed = time.perf_counter() - self._start
        bar = "█" * filled + "·" * (width - filled)
        self.stream.write(
            f"\r{self.label} [{bar}] {self.done}/{self.total} {elapsed:5.1f}s {what[:40]:<40}"
        )
        if self.done >= self.total:
            self.stream.write("\n")
        self.stream.flush()
