"""The one error type: a problem at a place in a file, with a rule code."""

from __future__ import annotations

from dataclasses import dataclass


@dataclass(frozen=True, order=True)
class Problem:
    path: str
    line: int
    col: int
    code: str
    message: str

    @property
    def is_error(self) -> bool:
        # The code's letter is its severity: E stops the build, W does not.
        return self.code.startswith("E")

    def __str__(self) -> str:
        return f"{self.path}:{self.line}:{self.col}: {self.code} {self.message}"

    def github(self) -> str:
        """The same problem as a GitHub Actions workflow command (inline in the PR diff)."""
        kind = "error" if self.is_error else "warning"
        text = f"{self.code} {self.message}".replace("%", "%25").replace("\r", "%0D").replace("\n", "%0A")
        path = self.path.replace("%", "%25").replace(",", "%2C").replace(":", "%3A")
        return f"::{kind} file={path},line={self.line},col={self.col}::{text}"


class Failed(Exception):
    """Raised by any stage that found problems it cannot go past."""

    def __init__(self, problems: list[Problem]):
        super().__init__(f"{len(problems)} problem(s)")
        self.problems = sorted(problems)
