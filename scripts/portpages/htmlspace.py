"""Indentation out of built pages: a sixth of a registry page is the theme's template
indentation, which a browser collapses into one space anyway.

A run of whitespace that holds a line break becomes that line break: still whitespace
where there was whitespace, so text renders the same. Left exactly as they are: <pre>,
<textarea> and <code> (whitespace there is shown), <script> and <style> (their bytes are
hashed into the Content-Security-Policy or may hold strings).
"""

from __future__ import annotations

import re

_KEEP = re.compile(r"<(pre|textarea|code|script|style)\b.*?</\1\s*>", re.S | re.I)
_INDENT = re.compile(r"\n\s+")


def compact(html: str) -> str:
    out, pos = [], 0
    for kept in _KEEP.finditer(html):
        out.append(_INDENT.sub("\n", html[pos:kept.start()]))
        out.append(kept.group(0))
        pos = kept.end()
    out.append(_INDENT.sub("\n", html[pos:]))
    return "".join(out)
