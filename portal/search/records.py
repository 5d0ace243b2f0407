"""What the index holds for one initiative; pure Python (no Whoosh, no Flask).

A document comes from the service as a dict (``id``, ``title``, ``summary``,
``authors``, ``meta``, ``body``, ``files``, the facets, ``published_at``) and
is analysed once into a ``Record``: three weighted term fields, the columns
queries read, and the stored texts that snippets are cut from.
"""

from dataclasses import dataclass, field
from datetime import UTC, datetime

from portal.search.analysis import doc_terms

FACETS = ("year", "field", "level", "unit")
# Column weights: the title above the summary and the authors, the metadata
# a reader types (field, unit, form, level, year, decision number) above the
# body and the attachments.
WEIGHTS = {"title": 10, "summary": 5, "authors": 5, "meta": 3, "body": 1}
FILE_WEIGHT = 1
COLUMNS = tuple(WEIGHTS)
# Attachment text indexed per file and per initiative (the database keeps it all).
FILE_CHARS = 60_000
FILES_CHARS = 150_000
# Folded columns of the phrase text are separated so a phrase never spans two.
COLUMN_BREAK = "\n"


@dataclass
class Record:
    """One document as the index stores it."""

    pk: int
    terms: dict  # "text" | "exact" | "pairs" -> {term: weight}
    columns: dict  # length (int), folded (bytes), heading (bytes), published (float)
    facets: dict  # FACETS -> str
    stored: dict = field(default_factory=dict)  # title, summary, authors, body, files

    def whoosh_fields(self) -> dict:
        return {"pk": str(self.pk), **self.terms, **self.columns, **self.facets, **self.stored}


def authors_text(authors) -> str:
    if isinstance(authors, (list, tuple)):
        return ", ".join(str(a) for a in authors if a)
    return str(authors or "")


def _timestamp(value) -> float:
    if value is None:
        return 0.0
    if isinstance(value, datetime):
        if value.tzinfo is None:
            value = value.replace(tzinfo=UTC)
        return value.timestamp()
    return float(value)


def files_of(doc: dict) -> list[tuple[str, str]]:
    """The ``(file name, text)`` of a document's attachments, within the bounds."""
    out, budget = [], FILES_CHARS
    for name, text in doc.get("files") or ():
        text = (text or "")[: min(FILE_CHARS, budget)]
        if text.strip():
            out.append((str(name), text))
            budget -= len(text)
        if budget <= 0:
            break
    return out


def column_weights(n_files: int) -> list[float]:
    return [*WEIGHTS.values(), *([FILE_WEIGHT] * n_files)]


def phrase_weight(text: str, phrase: str) -> float:
    """FTS5's weighted count of ``phrase`` (folded words) in a phrase text."""
    needle = f" {phrase} "
    parts = text.split(COLUMN_BREAK)
    return sum(w * part.count(needle) for w, part in zip(column_weights(len(parts)), parts, strict=False))


def record(doc: dict) -> Record:
    texts = {
        "title": doc.get("title") or "",
        "summary": doc.get("summary") or "",
        "authors": authors_text(doc.get("authors")),
        "meta": doc.get("meta") or "",
        "body": doc.get("body") or "",
    }
    files = files_of(doc)
    columns = [(texts[name], WEIGHTS[name]) for name in COLUMNS]
    columns += [(text, FILE_WEIGHT) for _name, text in files]
    folded, exact, pairs, length, folded_columns = doc_terms(columns)
    phrase_text = COLUMN_BREAK.join(f" {text} " for text in folded_columns)
    return Record(
        pk=int(doc["id"]),
        terms={"text": folded, "exact": exact, "pairs": pairs},
        columns={
            "length": length,
            "folded": phrase_text.encode("utf-8"),
            "heading": texts["title"].encode("utf-8"),
            "published": _timestamp(doc.get("published_at")),
        },
        facets={name: str(doc.get(name) or "") for name in FACETS},
        stored={
            "title": texts["title"], "summary": texts["summary"], "authors": texts["authors"],
            "body": texts["body"], "files": [list(f) for f in files] or None,
        },
    )
