"""The one way Markdown becomes HTML: Markdown, then bleach (never the other way round).

A bleach Cleaner is not thread-safe, so each thread keeps its own.
"""
import html
import threading
from functools import lru_cache, partial

import bleach
import markdown
from bleach.linkifier import LinkifyFilter
from markupsafe import Markup

ALLOWED_TAGS = frozenset({
    "a", "abbr", "b", "blockquote", "br", "code", "dd", "del", "dl", "dt", "em",
    "h2", "h3", "h4", "h5", "h6", "hr", "i", "li", "ol", "p", "pre", "s", "strong",
    "sub", "sup", "table", "tbody", "td", "th", "thead", "tr", "ul",
})
ALLOWED_ATTRIBUTES = {"a": ["href", "title", "rel"], "abbr": ["title"], "td": ["align"], "th": ["align"]}
ALLOWED_PROTOCOLS = frozenset({"http", "https", "mailto"})
MAX_SOURCE = 200_000

_local = threading.local()


def _set_rel(attrs, new=False):
    attrs[(None, "rel")] = "noopener noreferrer nofollow"
    return attrs


def _cleaner():
    cleaner = getattr(_local, "cleaner", None)
    if cleaner is None:
        cleaner = bleach.Cleaner(
            tags=ALLOWED_TAGS,
            attributes=ALLOWED_ATTRIBUTES,
            protocols=ALLOWED_PROTOCOLS,
            strip=True,
            strip_comments=True,
            filters=[partial(LinkifyFilter, callbacks=[_set_rel], skip_tags={"pre", "code"})],
        )
        _local.cleaner = cleaner
    return cleaner


def _markdown():
    """One Markdown converter per thread: building one costs more than converting a summary."""
    converter = getattr(_local, "markdown", None)
    if converter is None:
        converter = markdown.Markdown(extensions=["extra", "sane_lists"], output_format="html")
        _local.markdown = converter
    return converter


def _render(source):
    html = _markdown().reset().convert(source)
    # Headings inside an article start at h2: the page owns h1.
    html = html.replace("<h1>", "<h2>").replace("</h1>", "</h2>")
    return _cleaner().clean(html)


# The same text always gives the same HTML, and list pages render the same
# summaries again and again: short texts are cached per process (at most
# CACHED_ENTRIES × CACHED_LENGTH characters), long article bodies are not.
CACHED_LENGTH = 4000
CACHED_ENTRIES = 4096
_render_cached = lru_cache(maxsize=CACHED_ENTRIES)(_render)


def render_markdown(text):
    """Render user Markdown to safe HTML (a Markup string)."""
    if not text:
        return Markup("")
    # Safe because bleach has just sanitised it (bandit B704 is reviewed in .bandit).
    source = str(text)[:MAX_SOURCE]
    html = _render_cached(source) if len(source) <= CACHED_LENGTH else _render(source)
    return Markup(html)  # nosec


def _plain(source):
    cleaned = bleach.clean(str(render_markdown(source)), tags=set(), strip=True)
    return " ".join(html.unescape(cleaned).split())


_plain_cached = lru_cache(maxsize=CACHED_ENTRIES)(_plain)


def plain_text(text, limit=None):
    """Markdown reduced to plain text (for summaries, feeds and search documents)."""
    source = str(text or "")
    cleaned = _plain_cached(source) if len(source) <= CACHED_LENGTH else _plain(source)
    if limit and len(cleaned) > limit:
        cleaned = cleaned[: limit - 1].rsplit(" ", 1)[0] + "…"
    return cleaned
