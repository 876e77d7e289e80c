"""A plain textual progress bar on stderr (no dependency): ``[#####-----]  1200/3000  40%  12.3 s``."""

from __future__ import annotations

import sys
import time
from typing import TextIO


class Progress:
    def __init__(self, total: int, *, label: str = "", stream: TextIO | None = None, width: int = 30) -> None:
        self.total, self.label, self.width = max(total, 1), label, width
        self.stream = stream if stream is not None else sys.stderr
        self.done = 0
        self.started = time.monotonic()
        self._last = -1.0

    def update(self, step: int = 1) -> None:
        self.done = min(self.total, self.done + step)
        now = time.monotonic()
        if self.done < self.total and now - self._last < 0.2:
            return
        self._last = now
        filled = self.width * self.done // self.total
        bar = "#" * filled + "-" * (self.width - filled)
        self.stream.write(
            f"\r{self.label} [{bar}] {self.done:>7}/{self.total} {100 * self.done // self.total:>3}% "
            f"{now - self.started:7.1f} s"
        )
        self.stream.flush()

    def close(self) -> None:
        self.update(0)
        self.stream.write("\n")
        self.stream.flush()


class Silent(Progress):
    """No output (tests, library callers)."""

    def update(self, step: int = 1) -> None:
        self.done = min(self.total, self.done + step)

    def close(self) -> None:
        return None
