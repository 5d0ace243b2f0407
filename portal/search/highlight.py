"""Titles and snippets of hits, HTML-escaped with ``<mark>``; pure Python.

A word is marked when its folded form is one the query matched (typo
corrections included). The snippet comes from the summary, else the body,
else the first attachment whose text holds the words, and then says which
file it was cut from.
"""

import html
import re
import unicodedata

from portal.search.analysis import fold_word, fold_words, words

_WORD_IN_TEXT = re.compile(r"[^\W_]+")
SNIPPET_WORDS = 36
# Characters of a long text (an attachment) looked through for a snippet.
SNIPPET_SCAN = 20_000


def has_any(text: str, marked: set) -> bool:
    return any(map(marked.__contains__, fold_words(words(text[:SNIPPET_SCAN]))))


def highlight(text: str, marked: set) -> str:
    """``text`` HTML-escaped, with ``<mark>`` around words whose folded form is marked."""
    text = unicodedata.normalize("NFC", text or "")
    out, last = [], 0
    for match in _WORD_IN_TEXT.finditer(text):
        word = match.group()
        if fold_word(word.lower()) in marked:
            out.append(html.escape(text[last : match.start()]))
            out.append(f"<mark>{html.escape(word)}</mark>")
            last = match.end()
    out.append(html.escape(text[last:]))
    return "".join(out)


def snippet(text: str, marked: set, size: int = SNIPPET_WORDS) -> str:
    """The ``size``-word window of ``text`` holding the most marked words."""
    text = unicodedata.normalize("NFC", text or "")[:SNIPPET_SCAN]
    spans = [m.span() for m in _WORD_IN_TEXT.finditer(text)]
    if not spans:
        return html.escape(text[:300])
    folded = fold_words([text[s:e].lower() for s, e in spans])
    hits = [i for i, f in enumerate(folded) if f in marked]
    first = 0
    if hits:
        # Slide a window over the hit positions and keep the densest start.
        best, j = 0, 0
        for i, pos in enumerate(hits):
            while hits[j] < pos - size + 1:
                j += 1
            if i - j + 1 > best:
                best, first = i - j + 1, hits[j]
        first = max(0, min(first - 3, len(spans) - size))
    last = min(len(spans), first + size) - 1
    start = 0 if first == 0 else spans[first][0]
    end = len(text) if last == len(spans) - 1 else spans[last][1]
    body = highlight(text[start:end], marked)
    return ("… " if start else "") + body + (" …" if end < len(text) else "")


def present(stored: dict, marked: set) -> tuple[str, str, str | None]:
    """``(title_html, snippet_html, file name or None)`` of one hit."""
    title = stored.get("title") or ""
    summary = stored.get("summary") or ""
    body = stored.get("body") or ""
    source, file_name = summary, None
    if marked and not has_any(summary, marked):
        if has_any(body, marked):
            source = body
        else:
            for name, text in stored.get("files") or ():
                if has_any(text, marked):
                    source, file_name = text, name
                    break
    if not source.strip():
        source = body
    return highlight(title, marked), snippet(source, marked), file_name
