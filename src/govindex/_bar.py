"""A minimal progress reporter: a bar on an interactive terminal, silent otherwise."""

from __future__ import annotations

import sys
import time
from typing import TextIO


class Progress:
    """Report ``done / total`` steps on ``stream`` when it is a terminal.

    Parameters
    ----------
    total : int
        Number of steps.
    label : str
        Shown before the bar.
    enabled : bool or None
        Force on/off; ``None`` = only when ``stream`` is a TTY (quiet in CI and pipes).
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
        self.enabled = self.stream.isatty() if enabled is None else enabled
        self.done = 0
        self._start = time.perf_counter()

    def step(self, what: str = "") -> None:
        """Advance by one step, describing the step just finished."""
        self.done += 1
        if not self.enabled:
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
