"""What one immutable segment needs in memory for queries.

Segments never change once written, so their columns, decoded postings,
vocabulary and titles are kept per segment id and survive new generations;
only deletions and the length normalisation are per generation.
"""

from collections import Counter, OrderedDict

from portal.search import store
from portal.search.records import FACETS
from portal.search.suggest import SegmentTitles


class SegmentData:
    """Loaded from the generation that first saw the segment; the lazy parts
    are read through the reader of the generation asking (``seg``)."""

    def __init__(self, seg: store.Segment):
        self.pk = [int(v) for v in store.column(seg, "pk")]
        self.docnums = list(range(len(self.pk)))
        self.length = store.column(seg, "length")
        self.published = store.column(seg, "published")
        self.facets = {name: store.column(seg, name) for name in FACETS}
        # Facet values coded as one byte each, a doc's four codes in one
        # bytes object: counting a facet over 20,000 candidates is then one
        # join and a few bytes.count() calls instead of 80,000 dict updates.
        self.facet_values = {name: sorted(set(self.facets[name])) for name in FACETS}
        self.packed = None
        if all(len(v) <= 256 for v in self.facet_values.values()):
            codes = [{value: code for code, value in enumerate(self.facet_values[name])}
                     for name in FACETS]
            columns = [self.facets[name] for name in FACETS]
            self.packed = [bytes(c[col[d]] for c, col in zip(codes, columns, strict=True))
                           for d in range(len(self.pk))]
        self._filter_sets: dict = {}
        self.postings: OrderedDict = OrderedDict()
        self._vocabulary = None
        self._titles = None

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

    def vocabulary(self, seg: store.Segment) -> dict:
        """``{folded word: documents}`` of the segment (deleted ones included)."""
        if self._vocabulary is None:
            self._vocabulary = store.term_counts(seg, "text")
        return self._vocabulary

    def titles(self, seg: store.Segment) -> SegmentTitles:
        if self._titles is None:
            headings = [h.decode("utf-8") for h in store.column(seg, "heading")]
            self._titles = SegmentTitles(self.pk, headings, self.published)
        return self._titles


class LiveSegment:
    """A segment as one generation sees it: its data, offset and deletions."""

    def __init__(self, seg: store.Segment, data: SegmentData):
        self.seg = seg
        self.data = data
        self.offset = seg.offset
        self.deleted = seg.deleted
        self.norms: list = []
        self._folded = store.ColumnReader(seg, "folded")
        self._live_counts = None

    def count_facets(self, docs: list, found: set, into: dict) -> None:
        """Add the facet values of ``docs`` (sorted ``found``) to ``into``.

        Most documents match a query of common words: then the facets of
        those that do not are taken from the segment's totals instead.
        """
        if len(docs) * 2 < self.seg.size:
            self.data.count_facets(docs, into)
            return
        if self._live_counts is None:
            self._live_counts = {name: Counter() for name in FACETS}
            self.data.count_facets(sorted(set(self.data.docnums) - self.deleted), self._live_counts)
        rest = {name: Counter() for name in FACETS}
        self.data.count_facets(sorted(set(self.data.docnums) - self.deleted - found), rest)
        for name in FACETS:
            into[name].update(self._live_counts[name] - rest[name])

    def phrase_text(self, local: int) -> str:
        return self._folded[local].decode("utf-8")
