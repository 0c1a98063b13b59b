"""Indentation out of built pages: a sixth of a registry page is the theme's template
indentation, which a browser collapses into one space anyway.

A run of whitespace that holds a line break becomes that line break: still whitespace
where there was whitespace, so text renders the same. Next to a tag that starts or ends a
block (a paragraph, list item, div, heading, table part, head element), whitespace is not
rendered at all, so the line break goes too. Left exactly as they are: <pre>,
<textarea> and <code> (whitespace there is shown), <script> and <style> (their bytes are
hashed into the Content-Security-Policy or may hold strings).
"""

from __future__ import annotations

import re

_KEEP = re.compile(r"<(pre|textarea|code|script|style)\b.*?</\1\s*>", re.S | re.I)
_INDENT = re.compile(r"\n\s+")
_BLOCK = ("html|head|body|meta|link|title|script|style|noscript|div|p|ul|ol|li|dl|dt|dd|h[1-6]|hr|nav|header|footer|"
          "main|article|section|aside|form|fieldset|legend|table|thead|tbody|tfoot|tr|th|td|blockquote|pre|details|summary")
_BEFORE_BLOCK = re.compile(rf"\n(?=</?(?:{_BLOCK})[\s/>])", re.I)
_AFTER_BLOCK = re.compile(rf"(</?(?:{_BLOCK})(?:\s[^<>]*)?/?>)\n", re.I)


def compact(html: str) -> str:
    out, pos = [], 0
    for kept in _KEEP.finditer(html):
        out.append(_squeeze(html[pos:kept.start()]))
        out.append(kept.group(0))
        pos = kept.end()
    out.append(_squeeze(html[pos:]))
    return "".join(out)


def _squeeze(text: str) -> str:
    if text == "\n":  # between two kept elements (two scripts): both are blocks
        return ""
    return _BEFORE_BLOCK.sub("", _AFTER_BLOCK.sub(r"\1", _INDENT.sub("\n", text)))
