"""What a long build shows while it runs: on a terminal, a bar per language (pages done of
total, elapsed); in a log (CI, a pipe) nothing until the stage's own summary line, so logs
stay one line per stage. rich draws the bars and redraws them in place."""

from __future__ import annotations

import sys
import time
from typing import TextIO


class BuildProgress:
    def __init__(self, stream: TextIO = sys.stderr, live: bool | None = None):
        self.stream = stream
        self.live = stream.isatty() if live is None else live
        self.started = time.monotonic()
        self._bars = None
        self._tasks: dict[str, int] = {}

    def __enter__(self) -> BuildProgress:
        if self.live:
            from rich.console import Console
            from rich.progress import BarColumn, MofNCompleteColumn, Progress, TextColumn, TimeElapsedColumn

            self._bars = Progress(TextColumn("{task.description:>8}"), BarColumn(), MofNCompleteColumn(),
                                  TextColumn("pages"), TimeElapsedColumn(), console=Console(file=self.stream),
                                  transient=True)
            self._bars.start()
        return self

    def __call__(self, states: dict[str, tuple[int, int]]) -> None:
        if self._bars is None:
            return
        for language, (done, total) in sorted(states.items()):
            if language not in self._tasks:
                self._tasks[language] = self._bars.add_task(language or "site", total=total)
            self._bars.update(self._tasks[language], completed=done, total=total)

    def __exit__(self, *exc) -> None:
        if self._bars is not None:
            self._bars.stop()

    def stage(self, what: str):
        """A spinner with `what` and the time while a stage without pages to count runs
        (checking and generating); nothing in a log."""
        from contextlib import nullcontext

        if not self.live:
            return nullcontext()
        from rich.console import Console

        return Console(file=self.stream).status(what)

    @property
    def elapsed(self) -> float:
        return time.monotonic() - self.started
