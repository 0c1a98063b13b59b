"""The one error type: a problem at a place in a file, with a rule code."""

from __future__ import annotations

from dataclasses import dataclass

# Characters that reorder what is shown (Trojan Source, RLO file-name spoofing).
BIDI = frozenset("\u202a\u202b\u202c\u202d\u202e\u2066\u2067\u2068\u2069\u200e\u200f\u061c")


def one_line(text: str) -> str:
    """Text that prints as one honest line: a file name or value with a newline or a terminal
    escape sequence must not forge a second problem line or repaint the terminal."""
    if text.isprintable() and not BIDI.intersection(text):
        return text
    return "".join(ch if ch.isprintable() and ch not in BIDI else ch.encode("unicode_escape").decode("ascii") for ch in text)


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
        return f"{one_line(self.path)}:{self.line}:{self.col}: {self.code} {one_line(self.message)}"

    def github(self) -> str:
        """The same problem as a GitHub Actions workflow command (inline in the PR diff)."""
        kind = "error" if self.is_error else "warning"
        text = f"{self.code} {one_line(self.message)}".replace("%", "%25").replace("\r", "%0D").replace("\n", "%0A")
        path = one_line(self.path).replace("%", "%25").replace(",", "%2C").replace(":", "%3A")
        return f"::{kind} file={path},line={self.line},col={self.col}::{text}"


class Failed(Exception):
    """Raised by any stage that found problems it cannot go past."""

    def __init__(self, problems: list[Problem], detail: str = ""):
        super().__init__(f"{len(problems)} problem(s)")
        self.problems = sorted(problems)
        self.detail = detail  # another tool's own output that the problems refer to ("output above")
