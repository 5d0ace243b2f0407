"""Matching and ranking a parsed query against the segments of a generation.

A mixin of ``engine.SearchIndex``, which holds the state it reads: the live
segments, their cached postings, the per-generation caches and the weights.
"""

import heapq
from collections import Counter
from dataclasses import dataclass, field

from portal.search import query, ranking, records, store
from portal.search.analysis import pair
from portal.search.segments import LiveSegment

FACETS = records.FACETS
# Documents whose text is read to check a phrase of three words or more
# (a few microseconds each); past that, only the hits shown are checked.
PHRASE_CHECKS = 5000
# Decoded postings kept in memory per process (about 40 bytes each).
POSTINGS_CACHE_SIZE = 3_000_000
RESULTS_CACHE_SIZE = 1024


@dataclass
class _Ranking:
    """The index's answer to a query before the database has its say."""

    total: int
    facets: dict
    top: list  # (score, global docnum), best first
    complete: bool  # ``top`` holds every match
    phrases: tuple  # phrases too common to check in advance: check each hit
    marked: set = field(default_factory=set)  # folded words to highlight


class Matching:
    def _postings(self, seg: LiveSegment, fieldname: str, term: str) -> dict:
        cache = seg.data.postings
        key = (fieldname, term)
        found = cache.get(key)
        if found is not None:
            cache.move_to_end(key)
            return found
        found = store.postings(seg.seg, fieldname, term, seg.data.docnums)
        self._remember(seg, key, found)
        return found

    def _remember(self, seg: LiveSegment, key, postings: dict) -> None:
        seg.data.postings[key] = postings
        self._cached_postings += len(postings) + 1
        if self._cached_postings > POSTINGS_CACHE_SIZE:
            # Drop the least recently used half of each segment's cache.
            for data in self._segment_data.values():
                for _ in range(len(data.postings) // 2):
                    _, dropped = data.postings.popitem(last=False)
                    self._cached_postings -= len(dropped) + 1

    def vocabulary(self) -> dict:
        found = self._generation.get("vocabulary")
        if found is None:
            found = Counter()
            for seg in self._segments:
                found.update(seg.data.vocabulary(seg.seg))
            self._generation["vocabulary"] = found
        return found

    def doc_frequency(self, word: str) -> int:
        return self.vocabulary().get(word, 0)

    def pair_frequency(self, first: str, second: str) -> int:
        cache = self._generation.setdefault("pairs", {})
        term = pair(first, second)
        n = cache.get(term)
        if n is None:
            n = sum(store.doc_frequency(seg.seg, "pairs", term) for seg in self._segments)
            cache[term] = n
        return n

    def _clause_postings(self, seg: LiveSegment, clause: query.Clause, spelling: bool = True) -> dict:
        """``{docnum: weighted frequency}`` of a clause in one segment."""
        if clause.is_phrase:
            return self._phrase_postings(seg, clause.words)
        folded = self._postings(seg, "text", clause.word)
        if clause.exact is not None and folded and spelling:
            key = ("mixed", clause.exact, self.weights.folded_only)
            mixed = seg.data.postings.get(key)
            if mixed is None:
                exact = self._postings(seg, "exact", clause.exact)
                mixed = ranking.mix(folded, exact, self.weights.folded_only)
                self._remember(seg, key, mixed)
            folded = mixed
        others = [(self._postings(seg, "text", w), weight) for w, weight in clause.alternatives.items()]
        return ranking.widen(folded, others)

    def _phrase_postings(self, seg: LiveSegment, words_: tuple) -> dict:
        """A phrase's postings: its word pair's, or, for three words or more,
        the documents holding all its pairs, checked in their folded text."""
        lists = [self._postings(seg, "pairs", pair(a, b)) for a, b in zip(words_, words_[1:], strict=False)]
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
            weights = ((d, records.phrase_weight(seg.phrase_text(d), phrase)) for d in sorted(common))
            found = {d: w for d, w in weights if w}
            self._remember(seg, key, found)
            return found
        # Too many to check here: the rarest pair's count stands for the
        # phrase's, and the hits shown are checked one by one (_page).
        self._unchecked_phrases.add(words_)
        common = list(common)
        counts = map(min, *(map(p.__getitem__, common) for p in lists))
        return dict(zip(common, counts, strict=True))

    def _rank(self, clauses, pair_terms, filters, k: int) -> _Ranking:
        self._unchecked_phrases = set()
        # Pairs in most documents add nothing to a score: not even decoded.
        n = self._n_docs
        pair_terms = [{t: w for t, w in terms.items()
                       if ranking.idf(n, self.pair_frequency(*t.split(" ", 1))) > ranking.MIN_BONUS_IDF}
                      for terms in pair_terms]
        per_segment, doc_freq = [], [0] * len(clauses)
        pair_lists, pair_freq = [], [0] * len(pair_terms)
        # The spelling of a word in most documents cannot change an order its
        # nil idf keeps it out of (ranking.scores): its exact postings are not
        # even decoded, when the query has a word that counts.
        nil = [not c.is_phrase and ranking.idf(n, self.doc_frequency(c.word)) <= ranking.NIL_IDF
               for c in clauses]
        spelling = [not (x and not all(nil)) for x in nil]
        for seg in self._segments:
            lists = [self._clause_postings(seg, c, s) for c, s in zip(clauses, spelling, strict=True)]
            for i, p in enumerate(lists):
                doc_freq[i] += len(p)
            per_segment.append(lists)
            bonus = [ranking.widen({}, [(self._postings(seg, "pairs", t), w) for t, w in terms.items()])
                     for terms in pair_terms]
            for i, p in enumerate(bonus):
                pair_freq[i] += len(p)
            pair_lists.append(bonus)
        idf = [ranking.idf(n, f) for f in doc_freq]
        pair_idf = [ranking.idf(n, f) for f in pair_freq]

        total, facets, top = 0, {name: Counter() for name in FACETS}, []
        for seg, lists, bonus in zip(self._segments, per_segment, pair_lists, strict=True):
            found = ranking.candidates(lists, len(seg.data.pk), seg.deleted,
                                       [seg.data.filter_set(name, v) for name, v in filters])
            if not found:
                continue
            total += len(found)
            docs = sorted(found)
            seg.count_facets(docs, found, facets)
            if clauses:
                scores = ranking.scores(docs, lists, idf, seg.norms)
                scores = ranking.add_bonus(scores, docs, found, bonus, pair_idf, seg.norms,
                                           self.weights.pair_bonus)
                best = heapq.nlargest(k, range(len(docs)), key=scores.__getitem__)
                top.extend((scores[i], seg.offset + docs[i]) for i in best)
            else:
                published = seg.data.published
                best = heapq.nlargest(k, docs, key=published.__getitem__)
                top.extend((0.0, seg.offset + d, published[d]) for d in best)
        if clauses:
            top.sort(key=lambda item: (-item[0], item[1]))
        else:
            top.sort(key=lambda item: (-item[2], item[1]))
            top = [(0.0, d) for _, d, _ in top]
        return _Ranking(
            total=total,
            # A document without a value has nothing to offer as a filter.
            facets={name: {v: n for v, n in counts.items() if v} for name, counts in facets.items()},
            top=top[:k],
            complete=len(top) >= total,
            phrases=tuple(self._unchecked_phrases),
            marked={w for c in clauses for w in (*c.words, *c.alternatives)},
        )

    def _ranking(self, clauses, pair_terms, filters, k: int) -> _Ranking:
        key = (tuple((c.words, c.exact, tuple(c.alternatives.items())) for c in clauses),
               filters, self.weights)
        cached = self._results.get(key)
        if cached is not None and (cached.complete or len(cached.top) >= k):
            self._results.move_to_end(key)
            return cached
        found = self._rank(clauses, pair_terms, filters, k)
        self._results[key] = found
        if len(self._results) > RESULTS_CACHE_SIZE:
            self._results.popitem(last=False)
        return found

