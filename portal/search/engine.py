"""Full-text search of published initiatives, stored in a Whoosh index.

Pure Python: no Flask, no database. The portal feeds documents in through
``upsert``/``delete``/``apply``/``rebuild`` and asks ``search``/``similar``.
Every use of Whoosh stays in this package so the backend can change.

Whoosh stores the index: segments, posting lists, columns, stored fields,
write locks and generations shared by several processes. Queries do not go
through Whoosh's matchers, which cost Python calls per posting and were 10
to 20 times slower than SQLite FTS5 on 20,000 documents. Instead each
query term's posting list is decoded a block at a time into a dict, kept in
a per-segment cache (segments never change once written), and the
candidates are intersected, counted and scored with set and ``map``
operations that run in C. Scoring is BM25 as SQLite FTS5 computes it, over
one weighted field, so results agree with FTS5 on folded queries.
"""

import heapq
import html
import math
import os
import re
import threading
import time
import unicodedata
from collections import Counter, OrderedDict, defaultdict
from collections.abc import Callable, Iterable
from dataclasses import dataclass
from datetime import UTC, datetime
from itertools import accumulate, repeat
from operator import add, itemgetter, mul, truediv

from whoosh import fields, index
from whoosh.codec.whoosh3 import W3Codec, W3LeafMatcher
from whoosh.columns import NumericColumn, VarBytesColumn
from whoosh.filedb.filestore import FileStorage
from whoosh.index import LockError
from whoosh.reading import SegmentReader, TermNotFound
from whoosh.writing import SegmentWriter

from portal.search.analysis import doc_terms, fold_word, pair, words

# Column weights: title above summary and authors, those above the body.
WEIGHTS = {"title": 10.0, "summary": 5.0, "authors": 5.0, "body": 1.0}
# BM25 constants as in SQLite FTS5, so rankings can be compared with it.
K1 = 1.2
B = 0.75
# When the query word carries diacritics, an occurrence that only matches
# once folded counts this much of an exactly spelled one.
FOLDED_ONLY_WEIGHT = 0.5
MAX_QUERY_CHARS = 200
MAX_TERMS = 32
MAX_PER_PAGE = 100
# Unknown words a "did you mean" corrects; each costs an automaton walk.
MAX_CORRECTIONS = 6
# Documents whose text is read to check a phrase of three words or more
# (a few microseconds each); past that, only the hits shown are checked.
PHRASE_CHECKS = 5000
# Distinctive word pairs of a text that "more like this" looks for.
SIMILAR_TERMS = 40
FACETS = ("year", "field", "level", "unit")
INDEX_NAME = "initiatives_v1"
# Decoded postings kept in memory per process (about 40 bytes each).
POSTINGS_CACHE_SIZE = 3_000_000
RESULTS_CACHE_SIZE = 1024
WRITER_RETRIES = 3
BLOCK_SIZE = 512
REBUILD_SEGMENT_DOCS = 2000
# Everyday commits merge segments below this size (see _merge_small);
# larger ones, such as those a rebuild writes, are left alone.
SMALL_SEGMENT_DOCS = 1000
MERGE_FACTOR = 8

_CONTROL_RE = re.compile(r"[\x00-\x1f\x7f-\x9f]")


@dataclass
class Hit:
    id: int
    score: float
    title_html: str
    snippet_html: str


@dataclass
class SearchResult:
    total: int
    page: int
    per_page: int
    hits: list[Hit]
    facets: dict[str, dict[str, int]]
    suggestion: str | None
    query: str
    error: str | None


class IndexBusyError(RuntimeError):
    """Another process held the index's write lock for too long; retry later."""


class _Terms(fields.FieldType):
    """A field indexed from ready-made ``{term: weight}`` dicts.

    ``analysis.doc_terms`` analyses a document once for all three term
    fields, far faster than three Whoosh analyzer chains. Postings keep only
    the weight (no positions): phrases are answered by the pairs field.
    """

    def __init__(self):
        self.format = fields.formats.Existence()
        self.analyzer = None
        self.scorable = False
        self.stored = False
        self.unique = False
        self.column_type = None

    def index(self, value, **kwargs):
        return ((term.encode("utf-8"), 1, weight, b"") for term, weight in value.items())


class _Codec(W3Codec):
    # Whoosh reads a length column for every posting it writes, for its own
    # scorers' block statistics; queries here never use them.
    length_stats = False

    def __init__(self):
        # Bigger blocks: posting lists are decoded whole, a block at a time.
        super().__init__(blocklimit=BLOCK_SIZE)


def _merge_small(writer, segments):
    """Whoosh merge policy for everyday commits: small segments, by size.

    Segments of 1-9, 10-99 and 100-999 documents are merged within their
    size class once it holds ``MERGE_FACTOR`` of them (or one is mostly
    deleted), so each document is rewritten a few times at most and a
    publication never waits for a big merge. Segments from a rebuild are
    left alone; segments whose documents were all deleted are dropped.
    """
    keep, classes = [], defaultdict(list)
    for seg in segments:
        if seg.doc_count() == 0:
            continue
        size = seg.doc_count_all()
        if size >= SMALL_SEGMENT_DOCS:
            keep.append(seg)
        else:
            classes[len(str(size))].append(seg)
    for group in classes.values():
        mostly_deleted = any(seg.deleted_count() * 2 > seg.doc_count_all() for seg in group)
        if len(group) < MERGE_FACTOR and not mostly_deleted:
            keep.extend(group)
            continue
        for seg in group:
            reader = SegmentReader(writer.storage, writer.schema, seg)
            writer.add_reader(reader)
            reader.close()
    return keep


def _schema():
    return fields.Schema(
        pk=fields.ID(unique=True, sortable=True),
        text=_Terms(),  # folded words of every column, weighted
        exact=_Terms(),  # accented words as typed (lowercased), weighted
        pairs=_Terms(),  # consecutive folded word pairs, weighted
        length=fields.COLUMN(NumericColumn("I")),
        folded=fields.COLUMN(VarBytesColumn()),  # the folded words, for phrases
        published=fields.COLUMN(NumericColumn("d")),
        year=fields.ID(sortable=True),
        field=fields.ID(sortable=True),
        level=fields.ID(sortable=True),
        unit=fields.ID(sortable=True),
        title=fields.STORED(),
        summary=fields.STORED(),
        authors=fields.STORED(),
        body=fields.STORED(),
    )


def _authors_text(authors) -> str:
    if isinstance(authors, (list, tuple)):
        return ", ".join(str(a) for a in authors if a)
    return str(authors or "")


COLUMNS = ("title", "summary", "authors", "body")
# Columns of the folded text kept for phrase checks: a phrase never spans two.
_COLUMN_BREAK = "\n"


def _phrase_text(folded_columns: list[str]) -> str:
    return _COLUMN_BREAK.join(f" {text} " for text in folded_columns)


def _phrase_weight(text: str, phrase: str) -> float:
    """FTS5's weighted count of ``phrase`` (folded words) in a phrase text."""
    needle = f" {phrase} "
    return sum(
        WEIGHTS[name] * column.count(needle)
        for name, column in zip(COLUMNS, text.split(_COLUMN_BREAK), strict=False)
    )


def _timestamp(value) -> float:
    if value is None:
        return 0.0
    if isinstance(value, datetime):
        if value.tzinfo is None:
            value = value.replace(tzinfo=UTC)
        return value.timestamp()
    return float(value)


def _document(doc: dict) -> dict:
    """The Whoosh fields of one initiative."""
    title = doc.get("title") or ""
    summary = doc.get("summary") or ""
    authors = _authors_text(doc.get("authors"))
    body = doc.get("body") or ""
    texts = {"title": title, "summary": summary, "authors": authors, "body": body}
    folded, exact, pairs, length, folded_columns = doc_terms(
        [(texts[name], WEIGHTS[name]) for name in COLUMNS]
    )
    return {
        "pk": str(int(doc["id"])),
        "text": folded,
        "exact": exact,
        "pairs": pairs,
        "length": length,
        "folded": _phrase_text(folded_columns).encode("utf-8"),
        "published": _timestamp(doc.get("published_at")),
        "year": str(doc.get("year") or ""),
        "field": str(doc.get("field") or ""),
        "level": str(doc.get("level") or ""),
        "unit": str(doc.get("unit") or ""),
        "title": title,
        "summary": summary,
        "authors": authors,
        "body": body,
    }


# Shared float objects for the usual weights (sums of column weights), so
# cached postings do not hold a float object each.
_WEIGHTS = {w / 2: w / 2 for w in range(1, 1001)}


def _decode_postings(matcher, docnums: list) -> dict:
    """All ``{docnum: weight}`` of a posting list.

    Reads whole blocks from the Whoosh 3 codec's private block data (Whoosh
    is no longer developed, so this does not move); any other matcher goes
    through the public, slower, one-posting-at-a-time interface. Keys are
    taken from ``docnums`` so that all cached dicts share the int objects.
    """
    if type(matcher) is W3LeafMatcher:
        ids, weights = [], []
        while not matcher._atend:
            matcher._read_data()
            deltas, block_weights, _ = matcher._data
            ids.extend(accumulate(deltas))
            count = matcher._blocklength
            if block_weights is None:
                weights.extend(repeat(1.0, count))
            elif isinstance(block_weights, float):
                weights.extend(repeat(block_weights, count))
            else:
                weights.extend(map(_WEIGHTS.get, block_weights, block_weights))
            matcher._next_block()
        return dict(zip(map(docnums.__getitem__, ids), weights, strict=True))
    result = {}
    while matcher.is_active():
        result[matcher.id()] = matcher.weight()
        matcher.next()
    return result


class _SegmentData:
    """What one immutable segment needs for queries: columns and postings."""

    def __init__(self, reader):
        def column(name):
            return list(reader.column_reader(name, translate=True))

        self.pk = [int(v) for v in column("pk")]
        self.docnums = list(range(len(self.pk)))
        self.length = column("length")
        self.published = column("published")
        self.facets = {name: column(name) for name in FACETS}
        # Facet values coded as one byte each, a doc's four codes in one
        # bytes object: counting a facet over 20,000 candidates is then one
        # join and a few bytes.count() calls instead of 80,000 dict updates.
        self.facet_values = {name: sorted(set(self.facets[name])) for name in FACETS}
        self.packed = None
        if all(len(v) <= 256 for v in self.facet_values.values()):
            codes = [
                {value: code for code, value in enumerate(self.facet_values[name])}
                for name in FACETS
            ]
            columns = [self.facets[name] for name in FACETS]
            self.packed = [
                bytes(c[col[d]] for c, col in zip(codes, columns, strict=True))
                for d in range(len(self.pk))
            ]
        self._filter_sets: dict = {}
        self.postings: OrderedDict = OrderedDict()

    def count_facets(self, docs: list, into: dict) -> None:
        """Add the facet values of ``docs`` to the counters in ``into``."""
        if self.packed is None:
            for name in FACETS:
                into[name].update(map(self.facets[name].__getitem__, docs))
            return
        joined = b"".join(map(self.packed.__getitem__, docs))
        for i, name in enumerate(FACETS):
            column = joined[i :: len(FACETS)]
            counter = into[name]
            for code, value in enumerate(self.facet_values[name]):
                n = column.count(code)
                if n:
                    counter[value] += n

    def filter_set(self, name: str, value: str) -> set:
        key = (name, value)
        found = self._filter_sets.get(key)
        if found is None:
            found = {i for i, v in enumerate(self.facets[name]) if v == value}
            self._filter_sets[key] = found
        return found


class _Segment:
    """A segment as seen by one generation: its data plus offset and deletions."""

    def __init__(self, data, reader, offset, deleted, norms):
        self.data = data
        self.reader = reader
        self.offset = offset
        self.deleted = deleted
        self.norms = norms  # per docnum: the BM25 length normalisation K
        self._folded = None

    def phrase_text(self, local: int) -> str:
        if self._folded is None:
            self._folded = self.reader.column_reader("folded")
        return self._folded[local].decode("utf-8")


@dataclass
class _Clause:
    """A query word, or a quoted phrase of several words, all folded."""

    words: tuple
    exact: str | None = None  # the word as typed, when it has diacritics

    @property
    def is_phrase(self) -> bool:
        return len(self.words) > 1


@dataclass
class _Ranking:
    """The index's answer to a query before the database has its say."""

    total: int
    facets: dict
    top: list  # (score, global docnum), best first
    complete: bool  # ``top`` holds every match
    phrases: tuple  # phrases too common to check in advance: check each hit


class SearchIndex:
    """One index directory, shared by any number of processes.

    Each instance keeps one searcher and follows the index's latest
    generation at every call, so writes by other instances (or processes)
    show at the next query. Writers wait ``writer_timeout`` seconds for the
    lock, a few times, then raise ``IndexBusyError``. Calls are serialised
    per instance by a lock: Whoosh readers are not thread-safe.
    """

    def __init__(self, path: str, writer_timeout: float = 5.0):
        self.path = path
        self.writer_timeout = writer_timeout
        # 1.0 ranks exactly as FTS5 does, blind to diacritics (the benchmark
        # uses it to show that this preference is the only difference).
        self.folded_only_weight = FOLDED_ONLY_WEIGHT
        os.makedirs(path, exist_ok=True)
        self._ix = self._open_or_create()
        self._lock = threading.RLock()
        self._searcher = None
        self._segments: list[_Segment] = []
        self._segment_data: dict[str, _SegmentData] = {}
        self._cached_postings = 0
        self._results: OrderedDict = OrderedDict()
        self._n_docs = 0
        self._unchecked_phrases: set = set()

    def close(self) -> None:
        """Close the open index files; the next query reopens them."""
        with self._lock:
            searcher, self._searcher = self._searcher, None
            self._segments = []
            if searcher is not None:
                searcher.close()

    def __del__(self):
        # Without it a dropped instance leaves its files to the garbage
        # collector, which warns about each one.
        searcher = getattr(self, "_searcher", None)
        if searcher is not None:
            try:
                searcher.close()
            except Exception:  # noqa: BLE001, S110 - nothing to do at teardown
                pass

    # -- writing ---------------------------------------------------------

    def _open_or_create(self):
        # The lock keeps two processes from creating (and so wiping) at once.
        storage = FileStorage(self.path)
        lock = storage.lock(INDEX_NAME + "_CREATE")
        lock.acquire(blocking=True)
        try:
            if index.exists_in(self.path, INDEX_NAME):
                try:
                    ix = index.open_dir(self.path, indexname=INDEX_NAME)
                    if set(ix.schema.names()) == set(_schema().names()):
                        return ix
                except Exception:  # noqa: BLE001 - an unreadable index is rebuilt
                    pass
            # The index is derived data: a broken or outdated one is replaced
            # by an empty one, which ``rebuild`` fills from the database.
            return index.create_in(self.path, _schema(), indexname=INDEX_NAME)
        finally:
            lock.release()

    def _writer(self):
        for attempt in range(WRITER_RETRIES):
            try:
                return self._ix.writer(
                    timeout=self.writer_timeout, limitmb=256, codec=_Codec(), compound=False
                )
            except LockError:
                if attempt == WRITER_RETRIES - 1:
                    raise IndexBusyError(f"search index {self.path} is locked") from None
                time.sleep(0.05 * (attempt + 1))

    def upsert(self, docs: list[dict]) -> None:
        self.apply(docs, [])

    def delete(self, ids: list[int]) -> None:
        self.apply([], ids)

    def apply(self, upserts: list[dict], deletes: list[int]) -> None:
        """One writer, one commit. An id in both lists ends up deleted."""
        deleted = {int(i) for i in deletes}
        latest = {int(d["id"]): d for d in upserts if int(d["id"]) not in deleted}
        if not latest and not deleted:
            return
        prepared = [_document(d) for d in latest.values()]
        writer = self._writer()
        try:
            for pk in deleted:
                writer.delete_by_term("pk", str(pk))
            for fields_ in prepared:
                writer.update_document(**fields_)
        except BaseException:
            writer.cancel()
            raise
        writer.commit(mergetype=_merge_small)

    def rebuild(self, docs: Iterable[dict]) -> int:
        """Replace the whole index by ``docs``; returns how many were indexed.

        Documents go into segments of ``REBUILD_SEGMENT_DOCS``: Whoosh sorts a
        segment's postings in memory, and past its memory limit it spills
        them one pickle at a time, which made one big segment take minutes.
        The segments replace the old ones in a single commit, so readers in
        other processes see the old index or the new one, never half.
        """
        writer = self._writer()
        segments, count, batch = [], 0, None
        try:
            for doc in docs:
                if batch is None:
                    batch = SegmentWriter(
                        self._ix, _lk=False, codec=_Codec(), compound=False, limitmb=512
                    )
                batch.add_document(**_document(doc))
                count += 1
                if batch.doc_count() >= REBUILD_SEGMENT_DOCS:
                    segments.append(batch._finalize_segment())
                    batch = None
            if batch is not None:
                segments.append(batch._finalize_segment())
            writer._close_segment()
            writer._commit_toc(segments)
        except BaseException:
            if batch is not None:
                batch._close_segment()
            writer.cancel()
            raise
        writer._finish()
        return count

    # -- reading state ---------------------------------------------------

    def _refresh(self) -> None:
        """Follow the latest generation; keep caches of unchanged segments."""
        if self._searcher is not None:
            if self._searcher.up_to_date():
                return
            # Not Searcher.refresh(): in Whoosh-Reloaded 2.7.5 it keeps the
            # segments a merge removed, and its reused readers keep stale
            # deletions. Opening afresh costs a few milliseconds per segment;
            # the cached columns and postings survive, keyed by segment.
            self.close()
        for attempt in range(3):
            try:
                self._searcher = self._ix.searcher()
                break
            except OSError:
                # A commit in another process removed files between reading
                # the table of contents and opening them: read it again.
                if attempt == 2:
                    raise
                time.sleep(0.01)
        self._results.clear()
        reader = self._searcher.reader()
        data_by_id, segments = {}, []
        total_length, n_docs = 0, 0
        for leaf, offset in reader.leaf_readers():
            if not leaf.doc_count_all():
                continue  # an empty index has a reader without segments
            seg_id = leaf.segment().segment_id()
            data = self._segment_data.get(seg_id) or _SegmentData(leaf)
            data_by_id[seg_id] = data
            deleted = frozenset(leaf.segment().deleted_docs()) if leaf.has_deletions() else frozenset()
            live = len(data.pk) - len(deleted)
            n_docs += live
            total_length += sum(data.length) - sum(data.length[d] for d in deleted)
            segments.append(_Segment(data, leaf, offset, deleted, None))
        self._cached_postings = sum(
            len(p) for d in data_by_id.values() for p in d.postings.values()
        )
        self._segment_data = data_by_id
        self._segments = segments
        self._n_docs = n_docs
        avg = total_length / n_docs if n_docs else 1.0
        for seg in segments:
            # FTS5's length normalisation, precomputed once per generation.
            seg.norms = [K1 * (1 - B + B * n / avg) for n in seg.data.length]

    def _postings(self, seg: _Segment, fieldname: str, term: str) -> dict:
        cache = seg.data.postings
        key = (fieldname, term)
        found = cache.get(key)
        if found is not None:
            cache.move_to_end(key)
            return found
        try:
            found = _decode_postings(seg.reader.postings(fieldname, term), seg.data.docnums)
        except TermNotFound:
            found = {}
        self._remember(seg, key, found)
        return found

    def _remember(self, seg: _Segment, key, postings: dict) -> None:
        seg.data.postings[key] = postings
        self._cached_postings += len(postings) + 1
        if self._cached_postings > POSTINGS_CACHE_SIZE:
            self._evict_postings()

    def _evict_postings(self) -> None:
        # Drop the least recently used half of each segment's cache.
        for data in self._segment_data.values():
            for _ in range(len(data.postings) // 2):
                _, dropped = data.postings.popitem(last=False)
                self._cached_postings -= len(dropped) + 1

    def clear_caches(self) -> None:
        """Forget cached postings and results (they rebuild on demand)."""
        with self._lock:
            self._results.clear()
            for data in self._segment_data.values():
                data.postings.clear()
            self._cached_postings = 0

    def doc_count(self) -> int:
        with self._lock:
            self._refresh()
            return self._n_docs

    def all_ids(self) -> set[int]:
        with self._lock:
            self._refresh()
            return {
                pk
                for seg in self._segments
                for i, pk in enumerate(seg.data.pk)
                if i not in seg.deleted
            }

    # -- query parsing -----------------------------------------------------

    @staticmethod
    def _parse(q: str):
        """Clauses of a query and an error code; junk never raises."""
        error = None
        text = unicodedata.normalize("NFC", _CONTROL_RE.sub(" ", q or "")).strip()
        if len(text) > MAX_QUERY_CHARS:
            text, error = text[:MAX_QUERY_CHARS], "query_truncated"
        clauses, n_words = [], 0
        # Text between pairs of double quotes is a phrase; a lone quote is
        # ignored.
        parts = text.split('"')
        for i, part in enumerate(parts):
            quoted = i % 2 == 1 and i < len(parts) - 1
            tokens = words(part)
            groups = [tokens] if quoted and len(tokens) > 1 else [[t] for t in tokens]
            for group in groups:
                if n_words + len(group) > MAX_TERMS:
                    return clauses, "query_truncated"
                folded = tuple(fold_word(t) for t in group)
                exact = group[0] if len(group) == 1 and folded[0] != group[0] else None
                # A repeated word counts twice, as in FTS5 ("tạm giữ, tạm giam").
                clauses.append(_Clause(folded, exact))
                n_words += len(group)
        return clauses, error

    @staticmethod
    def _filters(filters: dict | None):
        """``(name, value)`` pairs of the filters that are set, as strings."""
        wanted = []
        for name in FACETS:
            value = (filters or {}).get(name)
            value = "" if value is None else str(value).strip()
            if value:
                wanted.append((name, value))
        return tuple(wanted)

    # -- ranking -----------------------------------------------------------

    def _clause_postings(self, seg: _Segment, clause: _Clause) -> dict:
        """``{docnum: weighted frequency}`` of a clause in one segment."""
        if clause.is_phrase:
            return self._phrase_postings(seg, clause.words)
        folded = self._postings(seg, "text", clause.words[0])
        if clause.exact is None or not folded:
            return folded
        key = ("mixed", clause.exact, self.folded_only_weight)
        mixed = seg.data.postings.get(key)
        if mixed is None:
            exact = self._postings(seg, "exact", clause.exact)
            mixed = _mix(folded, exact, self.folded_only_weight)
            self._remember(seg, key, mixed)
        return mixed

    def _phrase_postings(self, seg: _Segment, words_: tuple) -> dict:
        """A phrase's postings: its word pair's, or, for three words or more,
        the documents holding all its pairs, checked in their folded text."""
        lists = [
            self._postings(seg, "pairs", pair(a, b))
            for a, b in zip(words_, words_[1:], strict=False)
        ]
        if len(lists) == 1:
            return lists[0]  # exact, with the weighted count of the phrase
        key = ("phrase", words_)
        found = seg.data.postings.get(key)
        if found is not None:
            return found
        lists.sort(key=len)
        common = set(lists[0]).intersection(*lists[1:])
        if len(common) <= PHRASE_CHECKS:
            phrase = " ".join(words_)
            weights = ((d, _phrase_weight(seg.phrase_text(d), phrase)) for d in sorted(common))
            found = {d: w for d, w in weights if w}
            self._remember(seg, key, found)
            return found
        # Too many to check here: the rarest pair's count stands for the
        # phrase's, and the hits shown are checked one by one (_page).
        self._unchecked_phrases.add(words_)
        common = list(common)
        counts = map(min, *(map(p.__getitem__, common) for p in lists))
        return dict(zip(common, counts, strict=True))

    def _rank(self, clauses, filters, k: int) -> _Ranking:
        self._unchecked_phrases = set()
        per_segment, doc_freq = [], [0] * len(clauses)
        for seg in self._segments:
            lists = [self._clause_postings(seg, c) for c in clauses]
            for i, p in enumerate(lists):
                doc_freq[i] += len(p)
            per_segment.append(lists)
        # FTS5's idf; terms in over half the documents get almost nothing.
        n = self._n_docs
        idf = [max(math.log((n - f + 0.5) / (f + 0.5)), 1e-6) for f in doc_freq]

        total, facets, top = 0, {name: Counter() for name in FACETS}, []
        for seg, lists in zip(self._segments, per_segment, strict=True):
            candidates = self._candidates(seg, lists, filters)
            if not candidates:
                continue
            total += len(candidates)
            docs = sorted(candidates)
            seg.data.count_facets(docs, facets)
            if clauses:
                scores = self._scores(seg, docs, lists, idf)
                scale = (K1 + 1) * (idf[0] if len(clauses) == 1 else 1.0)
                best = heapq.nlargest(k, range(len(docs)), key=scores.__getitem__)
                top.extend((scores[i] * scale, seg.offset + docs[i]) for i in best)
            else:
                published = seg.data.published
                best = heapq.nlargest(k, docs, key=published.__getitem__)
                top.extend((published[d], seg.offset + d) for d in best)
        top.sort(key=lambda item: (-item[0], item[1]))
        if not clauses:
            top = [(0.0, d) for _, d in top]
        phrases = tuple(self._unchecked_phrases)
        return _Ranking(
            total=total,
            # A document without a value has nothing to offer as a filter.
            facets={name: {v: n for v, n in counts.items() if v} for name, counts in facets.items()},
            top=top[:k],
            complete=len(top) >= total,
            phrases=phrases,
        )

    @staticmethod
    def _candidates(seg: _Segment, lists, filters) -> set:
        if lists:
            ordered = sorted(lists, key=len)
            candidates = set(ordered[0]).intersection(*ordered[1:])
        else:
            candidates = set(range(len(seg.data.pk)))
        if seg.deleted and candidates:
            candidates -= seg.deleted
        for name, value in filters:
            if not candidates:
                break
            candidates &= seg.data.filter_set(name, value)
        return candidates

    @staticmethod
    def _scores(seg: _Segment, docs: list, lists, idf) -> list:
        """FTS5's bm25 of each doc, sum of idf * f * (k1 + 1) / (f + K).

        Computed a column at a time with ``map``, which loops in C. The
        constant factor (k1 + 1), and the idf when there is one term, do not
        change the order and are left to ``_rank``.
        """
        norms = list(map(seg.norms.__getitem__, docs))
        total = None
        for weights, term_idf in zip(lists, idf, strict=True):
            freqs = list(map(weights.__getitem__, docs))
            part = map(truediv, freqs, map(add, freqs, norms))
            if len(lists) > 1:
                part = map(mul, part, repeat(term_idf))
            total = list(part) if total is None else list(map(add, total, part))
        return total

    # -- searching ---------------------------------------------------------

    def search(
        self,
        q: str,
        filters: dict | None = None,
        page: int = 1,
        per_page: int = 10,
        allowed_ids: Callable[[list[int]], set[int]] | None = None,
    ) -> SearchResult:
        """Published initiatives matching ``q``, best first.

        Words are AND-ed, "quoted words" form a phrase, diacritics are
        optional. ``filters`` holds exact values for year, field, level and
        unit. ``allowed_ids(ids)`` returns those of ``ids`` the database
        still publishes; the others are skipped and taken out of the total
        and facets. An empty query lists everything, newest first. Junk never
        raises: ``error`` is "no_terms" when nothing searchable is left and
        "query_truncated" past 200 characters or 32 words.
        """
        page = max(1, _int(page, 1))
        per_page = min(max(1, _int(per_page, 10)), MAX_PER_PAGE)
        q = "" if q is None else str(q)
        filters = filters if isinstance(filters, dict) else None
        clauses, error = self._parse(q)
        filter_pairs = self._filters(filters)
        empty = SearchResult(0, page, per_page, [], {name: {} for name in FACETS}, None, q, error)
        if not clauses and q.strip():
            empty.error = error or "no_terms"
            return empty
        with self._lock:
            self._refresh()
            hits, ranking, rejected = self._page(clauses, filter_pairs, page, per_page, allowed_ids)
            suggestion = None
            if ranking.total == 0 and clauses:
                suggestion = self._suggest(q, clauses)
            facets = ranking.facets
            if rejected:
                facets = self._without(facets, rejected)
            return SearchResult(
                total=max(ranking.total - len(rejected), 0),
                page=page,
                per_page=per_page,
                hits=[self._hit(doc, score, clauses) for score, doc in hits],
                facets=facets,
                suggestion=suggestion,
                query=q,
                error=error,
            )

    def _ranking(self, clauses, filters, k: int) -> _Ranking:
        key = (tuple((c.words, c.exact) for c in clauses), filters, self.folded_only_weight)
        cached = self._results.get(key)
        if cached is not None and (cached.complete or len(cached.top) >= k):
            self._results.move_to_end(key)
            return cached
        ranking = self._rank(clauses, filters, k)
        self._results[key] = ranking
        if len(self._results) > RESULTS_CACHE_SIZE:
            self._results.popitem(last=False)
        return ranking

    def _page(self, clauses, filters, page, per_page, allowed_ids):
        """The page's ``(score, docnum)`` hits, the ranking, the rejected docnums.

        Candidates the database does not know (the index may lag) or whose
        text lacks a quoted phrase are skipped and the page is filled from
        the next ones.
        """
        wanted = page * per_page
        k = wanted + max(wanted, 20)
        while True:
            ranking = self._ranking(clauses, filters, k)
            accepted, rejected = [], []
            batch_size = max(per_page * 2, 20)
            for start in range(0, len(ranking.top), batch_size):
                batch = ranking.top[start : start + batch_size]
                ok = self._accept([d for _, d in batch], ranking.phrases, allowed_ids)
                for item in batch:
                    (accepted if item[1] in ok else rejected).append(item)
                if len(accepted) >= wanted:
                    break
            if len(accepted) >= wanted or ranking.complete:
                start = (page - 1) * per_page
                return accepted[start : start + per_page], ranking, [d for _, d in rejected]
            k *= 4

    def _accept(self, docnums, phrases, allowed_ids) -> set:
        ok = set(docnums)
        if phrases:
            ok = {d for d in ok if self._has_phrases(d, phrases)}
        if allowed_ids is not None and ok:
            pks = {self._pk(d): d for d in ok}
            allowed = allowed_ids(list(pks))
            ok = {d for pk, d in pks.items() if pk in allowed}
        return ok

    def _has_phrases(self, docnum: int, phrases) -> bool:
        seg, local = self._segment_of(docnum)
        text = seg.phrase_text(local)
        return all(_phrase_weight(text, " ".join(p)) for p in phrases)

    def _segment_of(self, docnum: int) -> tuple[_Segment, int]:
        for seg in reversed(self._segments):
            if docnum >= seg.offset:
                return seg, docnum - seg.offset
        raise IndexError(docnum)

    def _pk(self, docnum: int) -> int:
        seg, local = self._segment_of(docnum)
        return seg.data.pk[local]

    def _without(self, facets, rejected) -> dict:
        """Facet counts less the documents the database refused."""
        result = {name: dict(counts) for name, counts in facets.items()}
        for docnum in rejected:
            seg, local = self._segment_of(docnum)
            for name in FACETS:
                value = seg.data.facets[name][local]
                if result[name].get(value, 0) > 1:
                    result[name][value] -= 1
                else:
                    result[name].pop(value, None)
        return result

    def _suggest(self, q: str, clauses) -> str | None:
        """"Did you mean": unknown words replaced by the closest indexed ones."""
        reader = self._searcher.reader()
        folded_corrector = self._searcher.corrector("text")
        exact_corrector = self._searcher.corrector("exact")
        changed, out, budget = False, [], MAX_CORRECTIONS
        for token in words(q)[:MAX_TERMS]:
            folded = fold_word(token)
            if token != folded and reader.doc_frequency("exact", token):
                out.append(token)
                continue
            if reader.doc_frequency("text", folded):
                out.append(token)
                continue
            found, budget = None, budget - 1
            # Whoosh ranks all words within ``maxdist`` by frequency alone,
            # so ask for one edit before two; two edits only keeping the first
            # letter, which makes the automaton walk far shorter.
            for maxdist, prefix in ((1, 0), (2, 1)):
                if budget < 0:
                    break
                if token != folded:
                    found = exact_corrector.suggest(token, limit=1, maxdist=maxdist, prefix=prefix)
                found = found or folded_corrector.suggest(folded, limit=1, maxdist=maxdist, prefix=prefix)
                if found:
                    break
            if found:
                out.append(found[0])
                changed = True
            else:
                out.append(token)
        return " ".join(out) if changed else None

    # -- presenting --------------------------------------------------------

    def _hit(self, docnum: int, score: float, clauses) -> Hit:
        stored = self._searcher.stored_fields(docnum)
        marked = {w for c in clauses for w in c.words}
        title = stored.get("title") or ""
        summary = stored.get("summary") or ""
        body = stored.get("body") or ""
        source = summary if not marked or _has_any(summary, marked) else body
        if marked and not _has_any(source, marked):
            source = summary or body
        return Hit(
            id=self._pk(docnum),
            score=score,
            title_html=highlight(title, marked),
            snippet_html=snippet(source, marked),
        )

    # -- more like this ----------------------------------------------------

    def similar(self, text: str, limit: int = 5, exclude_ids=()) -> list[tuple[int, float]]:
        """Published initiatives most like ``text``, for duplicate detection.

        Uses the text's most distinctive word pairs (rare pairs say more than
        common syllables); a document's score is the idf-weighted share of
        those pairs it contains, from 0 to 1.
        """
        _, _, pairs, _, _ = doc_terms([(text or "", 1.0)])
        if not pairs:
            return []
        exclude = {int(i) for i in exclude_ids}
        with self._lock:
            self._refresh()
            n = self._n_docs
            if not n:
                return []
            reader = self._searcher.reader()
            weighted = []
            for term, tf in pairs.items():
                df = reader.doc_frequency("pairs", term)
                if df:
                    idf = math.log(1 + n / df)
                    weighted.append((tf * idf, idf, term))
            if not weighted:
                return []
            chosen = heapq.nlargest(SIMILAR_TERMS, weighted)
            norm = sum(idf for _, idf, _ in chosen)
            best = []
            wanted = limit + len(exclude)
            for seg in self._segments:
                scores: dict = {}
                for _, idf, term in chosen:
                    found = self._postings(seg, "pairs", term)
                    # scores[d] += idf for every d in found, looping in C.
                    scores.update(zip(found, map(add, map(scores.get, found, repeat(0.0)), repeat(idf)), strict=True))
                live = (item for item in scores.items() if item[0] not in seg.deleted)
                for local, score in heapq.nlargest(wanted, live, key=itemgetter(1)):
                    best.append((score, seg.data.pk[local]))
            best.sort(key=lambda item: (-item[0], item[1]))
            return [(pk, round(score / norm, 4)) for score, pk in best if pk not in exclude][:limit]


def _mix(folded: dict, exact: dict, weight: float) -> dict:
    """Weights of a word typed with diacritics: an exact occurrence counts 1,
    one that matches only once folded counts ``weight``."""
    if len(exact) == len(folded) or weight == 1.0:
        return folded  # every folded match is also an exact one
    keys = list(folded)
    # weight * folded + (1 - weight) * exact, looping in C.
    mixed = map(
        add,
        map(mul, folded.values(), repeat(weight)),
        map(mul, map(exact.get, keys, repeat(0)), repeat(1 - weight)),
    )
    return dict(zip(keys, mixed, strict=True))


def _int(value, default: int) -> int:
    try:
        return int(value)
    except (TypeError, ValueError):
        return default


def _has_any(text: str, marked: set) -> bool:
    return any(fold_word(w) in marked for w in words(text))


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


_WORD_IN_TEXT = re.compile(r"[^\W_]+")
SNIPPET_WORDS = 36


def snippet(text: str, marked: set, size: int = SNIPPET_WORDS) -> str:
    """The ``size``-word window of ``text`` holding the most marked words."""
    text = unicodedata.normalize("NFC", text or "")
    spans = [m.span() for m in _WORD_IN_TEXT.finditer(text)]
    if not spans:
        return html.escape(text[:300])
    hits = [i for i, (s, e) in enumerate(spans) if fold_word(text[s:e].lower()) in marked]
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
