"""Reading a query typed by a person; pure Python (no Whoosh, no Flask).

Words are AND-ed; text between a pair of double quotes is a phrase; a lone
quote is ignored; diacritics are optional. Junk never raises: what cannot be
searched is dropped and said so with an error code.
"""

import re
import unicodedata
from dataclasses import dataclass, field

from portal.search.analysis import fold_word, words
from portal.search.records import FACETS

MAX_QUERY_CHARS = 200
MAX_TERMS = 32
_CONTROL_RE = re.compile(r"[\x00-\x1f\x7f-\x9f]")


@dataclass
class Clause:
    """A query word, or a quoted phrase of several words, all folded.

    ``group`` numbers the unquoted run of words the clause belongs to:
    neighbours in one run are checked as word pairs (typos, proximity).
    ``alternatives`` are typo corrections ``{folded word: weight}`` that
    the engine fills in (see ``typos``).
    """

    words: tuple
    exact: str | None = None  # the word as typed, when it has diacritics
    group: int = 0
    alternatives: dict = field(default_factory=dict)

    @property
    def is_phrase(self) -> bool:
        return len(self.words) > 1

    @property
    def word(self) -> str:
        return self.words[0]


def clean(q) -> str:
    text = "" if q is None else str(q)
    return unicodedata.normalize("NFC", _CONTROL_RE.sub(" ", text)).strip()


def parse(q) -> tuple[list[Clause], str | None]:
    """Clauses of a query and an error code ("query_truncated" or None)."""
    error = None
    text = clean(q)
    if len(text) > MAX_QUERY_CHARS:
        text, error = text[:MAX_QUERY_CHARS], "query_truncated"
    clauses, n_words, group = [], 0, 0
    parts = text.split('"')
    for i, part in enumerate(parts):
        quoted = i % 2 == 1 and i < len(parts) - 1
        tokens = words(part)
        chunks = [tokens] if quoted and len(tokens) > 1 else [[t] for t in tokens]
        group += 1
        for chunk in chunks:
            if n_words + len(chunk) > MAX_TERMS:
                return clauses, "query_truncated"
            folded = tuple(fold_word(t) for t in chunk)
            exact = chunk[0] if len(chunk) == 1 and folded[0] != chunk[0] else None
            # A repeated word counts twice, as in FTS5 ("tạm giữ, tạm giam").
            clauses.append(Clause(folded, exact, group if len(chunk) == 1 else -group))
            n_words += len(chunk)
    return clauses, error


def filters(given) -> tuple:
    """``(name, value)`` pairs of the facet filters that are set, as strings."""
    given = given if isinstance(given, dict) else {}
    wanted = []
    for name in FACETS:
        value = given.get(name)
        value = "" if value is None else str(value).strip()
        if value:
            wanted.append((name, value))
    return tuple(wanted)


def neighbours(clauses: list[Clause]):
    """Indexes ``(i, i + 1)`` of adjacent single words typed in one run."""
    for i in range(len(clauses) - 1):
        a, b = clauses[i], clauses[i + 1]
        if a.group == b.group and a.group > 0:
            yield i, i + 1


def display(q) -> str:
    """The query as a sentence may quote it: without its own outer quotes."""
    text = clean(q)
    if len(text) > 1 and text[0] == text[-1] == '"':
        text = text[1:-1].strip()
    return text
