"""Full-text search of initiatives: the engine the service asks.

Pure Python, no Flask, no database; the index on disk is ``store`` (the one
module that touches Whoosh). Queries do not go through Whoosh's matchers,
which cost a Python call per posting: each term's posting list is decoded a
block at a time into a dict, kept per segment (segments never change), and
candidates are intersected, counted and scored with set and ``map``
operations that run in C (``ranking``). Parsing is ``query``, typo
tolerance ``typos``, snippets ``highlight``, search as you type ``suggest``.
"""

import heapq
import math
import threading
from collections import OrderedDict
from collections.abc import Callable, Iterable
from dataclasses import dataclass
from itertools import repeat
from operator import add, itemgetter

from portal.search import highlight, query, ranking, records, store, suggest, typos
from portal.search.analysis import doc_terms
from portal.search.matching import Matching
from portal.search.segments import LiveSegment, SegmentData

FACETS = records.FACETS
WEIGHTS = records.WEIGHTS
IndexBusyError = store.IndexBusyError
IndexCorrupt = store.IndexCorrupt
MAX_PER_PAGE = 100
SEGMENT_RETRIES = 3  # generations read again when a merge removes a segment under us
# Distinctive word pairs of a text that "more like this" looks for.
SIMILAR_TERMS = 40
SPELLING_HITS = 5  # hits read to spell a suggestion with its diacritics


@dataclass
class Hit:
    id: int
    score: float
    title_html: str
    snippet_html: str
    file: str | None = None  # the attachment the snippet was cut from


@dataclass
class Suggestion:
    """ "Did you mean": a query in the spelling the index uses most, and how many it finds."""

    q: str
    total: int


@dataclass
class SearchResult:
    total: int
    page: int
    per_page: int
    hits: list[Hit]
    facets: dict[str, dict[str, int]]
    suggestion: Suggestion | None
    query: str
    error: str | None
    corrected: bool = False  # typo tolerance widened some word


def _int(value, default: int) -> int:
    try:
        return int(value)
    except (TypeError, ValueError):
        return default


class SearchIndex(Matching):
    """One index directory, shared by any number of processes.

    Each instance follows the index's latest generation at every call, so
    writes by other instances (or processes) show at the next query. Calls
    are serialised per instance by a lock: Whoosh readers are not thread-safe.
    """

    def __init__(self, path: str, writer_timeout: float = 5.0):
        self.path = path
        self.weights = ranking.Weights()
        self._store = store.Store(path, writer_timeout)
        self._lock = threading.RLock()
        self._segments: list[LiveSegment] = []
        self._segment_data: dict[str, SegmentData] = {}
        self._cached_postings = 0
        self._results: OrderedDict = OrderedDict()
        self._generation: dict = {}  # per generation: vocabulary, pair counts, titles
        self._n_docs = 0
        self._unchecked_phrases: set = set()

    def close(self) -> None:
        with self._lock:
            self._segments = []
            self._store.close()

    def upsert(self, docs: list[dict]) -> None:
        self.apply(docs, [])

    def delete(self, ids: list[int]) -> None:
        self.apply([], ids)

    def apply(self, upserts: list[dict], deletes: list[int]) -> None:
        """One writer, one commit. An id in both lists ends up deleted."""
        deleted = {int(i) for i in deletes}
        latest = {int(d["id"]): d for d in upserts if int(d["id"]) not in deleted}
        if latest or deleted:
            self._store.apply([records.record(d) for d in latest.values()], deleted)

    def rebuild(self, docs: Iterable[dict], total: int | None = None, workers: int = 1) -> int:
        """Replace the whole index by ``docs``; returns how many were indexed.

        ``workers`` processes analyse and write it when there are many (see
        ``store.Store.rebuild``).
        """
        return self._store.rebuild(docs, total=total, workers=workers)

    def _refresh(self) -> None:
        for attempt in range(SEGMENT_RETRIES):
            try:
                return self._load(self._store.segments())
            except store.SegmentGone:
                # Another process merged the segments away after this one took
                # the table of contents: the next generation holds their documents.
                self._store.close()
                if attempt == SEGMENT_RETRIES - 1:
                    raise

    def _load(self, found: list | None) -> None:
        if found is None:
            return
        self._results.clear()
        self._generation = {}
        data_by_id, live = {}, []
        total_length = 0
        for seg in found:
            data = self._segment_data.get(seg.seg_id) or SegmentData(seg)
            data_by_id[seg.seg_id] = data
            live.append(LiveSegment(seg, data))
            total_length += sum(data.length) - sum(data.length[d] for d in seg.deleted)
        self._segment_data = data_by_id
        self._cached_postings = sum(len(p) for d in data_by_id.values() for p in d.postings.values())
        self._segments = live
        self._n_docs = sum(s.seg.size - len(s.deleted) for s in live)
        norms = ranking.norms
        avg = total_length / self._n_docs if self._n_docs else 1.0
        for seg in live:
            seg.norms = norms(seg.data.length, avg)

    def clear_caches(self) -> None:
        """Forget cached postings and results (they rebuild on demand)."""
        with self._lock:
            self._results.clear()
            self._generation = {}
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
            return {pk for seg in self._segments for i, pk in enumerate(seg.data.pk)
                    if i not in seg.deleted}

    def search(self, q: str, filters: dict | None = None, page: int = 1, per_page: int = 10,
               allowed_ids: Callable[[list[int]], set[int]] | None = None) -> SearchResult:
        """Initiatives matching ``q``, best first.

        Words are AND-ed, "quoted words" form a phrase, diacritics are
        optional, one typo per word is forgiven (see ``typos``).
        ``filters`` holds exact values for year, field, level and unit.
        ``allowed_ids(ids)`` returns those of ``ids`` the database still
        shows; the others are skipped and taken out of the total and facets.
        An empty query lists everything, newest first. Junk never raises:
        ``error`` is "no_terms" when nothing searchable is left and
        "query_truncated" past 200 characters or 32 words.
        """
        page = max(1, _int(page, 1))
        per_page = min(max(1, _int(per_page, 10)), MAX_PER_PAGE)
        q = "" if q is None else str(q)
        clauses, error = query.parse(q)
        filter_pairs = query.filters(filters)
        if not clauses and q.strip():
            return SearchResult(0, page, per_page, [], {name: {} for name in FACETS}, None, q,
                                error or "no_terms")
        with self._lock:
            self._refresh()
            correction = self._correct(clauses)
            hits, found, rejected = self._page(clauses, correction, filter_pairs, page, per_page,
                                               allowed_ids)
            total = max(found.total - len(rejected), 0)
            suggestion = None
            if clauses and (correction.corrected or total == 0 or self._misspelled(clauses)):
                suggestion = self._suggestion(q, clauses, correction, filter_pairs, allowed_ids,
                                              hits if total else None)
                correction.corrected = correction.corrected or (bool(total) and suggestion is not None)
            facets = self._without(found.facets, rejected) if rejected else found.facets
            return SearchResult(
                total=total, page=page, per_page=per_page,
                hits=[self._hit(doc, score, found.marked) for score, doc in hits],
                facets=facets, suggestion=suggestion, query=q, error=error,
                corrected=correction.corrected,
            )

    def _correct(self, clauses, distance: int = 1) -> typos.Correction:
        if not self.weights.typos or not self._n_docs:
            return typos.Correction(best=[c.words[0] for c in clauses], pairs=[], corrected=False)
        correction = typos.correct(clauses, self.vocabulary(), self, distance)
        if not self.weights.pair_bonus:
            correction.pairs = []
        return correction

    def _misspelled(self, clauses) -> bool:
        """A word typed with diacritics that no document spells so (but some do folded)."""
        for c in clauses:
            if c.exact is not None and not c.is_phrase and self.doc_frequency(c.word):
                if not sum(store.doc_frequency(seg.seg, "exact", c.exact) for seg in self._segments):
                    return True
        return False

    def _page(self, clauses, correction, filters, page, per_page, allowed_ids):
        """The page's ``(score, docnum)`` hits, the ranking, the rejected docnums.

        Candidates the database does not know (the index may lag) or whose
        text lacks a quoted phrase are skipped and the page is filled from
        the next ones.
        """
        wanted = page * per_page
        k = wanted + max(wanted, 20)
        while True:
            found = self._ranking(clauses, correction.pairs, filters, k)
            accepted, rejected = [], []
            batch_size = max(per_page * 2, 20)
            for start in range(0, len(found.top), batch_size):
                batch = found.top[start : start + batch_size]
                ok = self._accept([d for _, d in batch], found.phrases, allowed_ids)
                for item in batch:
                    (accepted if item[1] in ok else rejected).append(item)
                if len(accepted) >= wanted:
                    break
            if len(accepted) >= wanted or found.complete:
                start = (page - 1) * per_page
                return accepted[start : start + per_page], found, [d for _, d in rejected]
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
        return all(records.phrase_weight(text, " ".join(p)) for p in phrases)

    def _segment_of(self, docnum: int) -> tuple[LiveSegment, int]:
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

    def _stored(self, docnum: int) -> dict:
        seg, local = self._segment_of(docnum)
        return store.stored(seg.seg, local)

    def _hit(self, docnum: int, score: float, marked: set) -> Hit:
        title_html, snippet_html, file_name = highlight.present(self._stored(docnum), marked)
        return Hit(self._pk(docnum), score, title_html, snippet_html, file_name)

    def _suggestion(self, q, clauses, correction, filters, allowed_ids, hits) -> Suggestion | None:
        """The corrected query in the index's most used spelling, when it finds something.

        After a query that found nothing, words may be two edits away.
        """
        if hits is None:
            clauses, _ = query.parse(q)
            correction = self._correct(clauses, distance=2)
        targets = [b if b is not None else c.words for b, c in zip(correction.best, clauses, strict=True)]
        if hits is not None and not correction.corrected and not self._misspelled(clauses):
            return None
        fixed = [query.Clause(t if isinstance(t, tuple) else (t,), group=c.group)
                 for t, c in zip(targets, clauses, strict=True)]
        if hits is None:
            hits, found, rejected = self._page(fixed, self._correct([]), filters, 1, SPELLING_HITS, allowed_ids)
            if not hits:
                return None
        texts = []
        for _score, docnum in hits[:SPELLING_HITS]:
            stored = self._stored(docnum)
            texts += [stored.get("title") or "", stored.get("summary") or "", stored.get("body") or ""]
        typed = [None if self._misspelled([c]) else c.exact for c in clauses]
        spelled = suggest.spell([c.words for c in fixed], typed, texts)
        if spelled is None or query.clean(spelled) == query.clean(q):
            return None
        result = self.search_count(spelled, filters, allowed_ids)
        return Suggestion(spelled, result) if result else None

    def search_count(self, q, filters, allowed_ids) -> int:
        clauses, _ = query.parse(q)
        correction = self._correct(clauses)
        _hits, found, rejected = self._page(clauses, correction, filters, 1, 1, allowed_ids)
        return max(found.total - len(rejected), 0)

    def similar(self, text: str, limit: int = 5, exclude_ids=()) -> list[tuple[int, float]]:
        """Initiatives most like ``text``, for duplicate detection.

        Uses the text's most distinctive word pairs (rare pairs say more than
        common syllables); a document's score is the idf-weighted share of
        those pairs it contains, from 0 to 1.
        """
        _, _, pairs, _, _ = doc_terms([(text or "", 1)])
        exclude = {int(i) for i in exclude_ids}
        with self._lock:
            self._refresh()
            n = self._n_docs
            if not pairs or not n:
                return []
            weighted = []
            for term, tf in pairs.items():
                df = sum(store.doc_frequency(seg.seg, "pairs", term) for seg in self._segments)
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
                    scores.update(zip(found, map(add, map(scores.get, found, repeat(0.0)), repeat(idf)),
                                      strict=True))
                live = (item for item in scores.items() if item[0] not in seg.deleted)
                for local, score in heapq.nlargest(wanted, live, key=itemgetter(1)):
                    best.append((score, seg.data.pk[local]))
            best.sort(key=lambda item: (-item[0], item[1]))
            return [(pk, round(score / norm, 4)) for score, pk in best if pk not in exclude][:limit]

    def _completions(self) -> suggest.Completions:
        found = self._generation.get("completions")
        if found is None:
            found = suggest.Completions([(seg.data.titles(seg.seg), seg.deleted) for seg in self._segments])
            self._generation["completions"] = found
        return found

    def complete(self, q: str, limit: int = 8) -> dict:
        """``{"phrases": [(text, titles)], "titles": [(id, title)]}`` for what was typed."""
        with self._lock:
            self._refresh()
            return self._completions().complete(query.clean(q)[: query.MAX_QUERY_CHARS], limit)

    def examples(self, n: int = 3) -> list[str]:
        """Phrases many titles share, to show as example queries."""
        with self._lock:
            self._refresh()
            return self._completions().examples(n)
