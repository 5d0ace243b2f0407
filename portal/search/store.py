"""The index on disk: with ``segment_writer`` the only modules of the portal that import Whoosh.

Whoosh keeps what it is good at: segments, generations, write locks shared by
several processes, columns and stored fields. Two paths go under its public
interface, because through it they were the slowest part of search:

- reading a posting list: whole blocks are decoded from the Whoosh 3 codec's
  block data (``W3LeafMatcher``), instead of a Python call per posting;
- writing a rebuild: each segment's postings are gathered in dicts and
  written a block at a time in the codec's layout, its term table at once
  (``segment_writer``), instead of going through
  ``SegmentWriter.add_document`` and its sorting pool one posting at a time.

Both read codec internals of the Whoosh version in ``FAST_PATH_VERSIONS``;
any other version falls back to the public interface (correct, slower) and
says so in the log. ``tests/search/test_store.py`` pins both paths to the
public ones byte for byte, so an upgrade fails the tests instead of quietly
slowing search down or mis-scoring it.

Errors: whatever Whoosh raises while reading or writing files becomes
``IndexCorrupt`` (the service then rebuilds); a held write lock becomes
``IndexBusyError``. Anything else is a programming error and propagates.
"""

import logging
import multiprocessing
import os
import pickle
import struct
import time
import zlib
from collections.abc import Iterable
from concurrent.futures import ProcessPoolExecutor
from contextlib import contextmanager
from dataclasses import dataclass
from itertools import accumulate, repeat

import whoosh
from whoosh import fields, index
from whoosh.codec.whoosh3 import W3LeafMatcher
from whoosh.columns import NumericColumn, VarBytesColumn
from whoosh.filedb.filestore import FileStorage
from whoosh.index import LockError
from whoosh.reading import ReaderClosed, SegmentReader, TermNotFound
from whoosh.writing import SegmentWriter

from portal.search.records import FACETS, Record
from portal.search.records import record as to_record
from portal.search.segment_writer import Codec, fast_segment

log = logging.getLogger(__name__)

FAST_PATH_VERSIONS = ((2, 7, 5),)
WHOOSH_VERSION = tuple(whoosh.__version__)
FAST_PATH = WHOOSH_VERSION in FAST_PATH_VERSIONS
if not FAST_PATH:
    log.warning("search: Whoosh %s is not one of %s; using its public interface (slower)",
                whoosh.versionstring(), FAST_PATH_VERSIONS)

INDEX_NAME = "initiatives_v2"
STORED = ("title", "summary", "authors", "body", "files")
WRITER_RETRIES = 3
# Everyday commits merge segments below this size (see _merge_small);
# larger ones, such as those a rebuild writes, are left alone.
SMALL_SEGMENT_DOCS = 1000
MERGE_FACTOR = 8
# Documents per segment of a rebuild: fewer, bigger segments answer faster;
# this bounds the memory the postings of one segment take while it is built.
REBUILD_SEGMENT_DOCS = 12_000
# A rebuild of fewer documents than this is written by this process alone.
PARALLEL_FROM = 4000

# ReaderClosed, and a TypeError from reading a column whose file a concurrent
# merge removed, mean the files changed under this reader: read them afresh.
_CORRUPTION = (OSError, EOFError, zlib.error, pickle.UnpicklingError, struct.error, index.IndexError,
               ReaderClosed)


class IndexCorrupt(Exception):
    """The index files cannot be read (or written) as an index: rebuild it."""


class SegmentGone(IndexCorrupt):
    """A segment's files were removed by another process's merge after this
    reader took the table of contents: read the latest generation again."""


class IndexBusyError(RuntimeError):
    """Another process held the index's write lock for too long; retry later."""


@contextmanager
def guarded(path):
    """Whoosh's file and format errors as ``IndexCorrupt``; code errors untouched."""
    try:
        yield
    except TermNotFound:
        raise
    except LockError:
        raise IndexBusyError(f"search index {path} is locked") from None
    except _CORRUPTION as error:
        raise IndexCorrupt(f"search index {path}: {type(error).__name__}: {error}") from error


class _Terms(fields.FieldType):
    """A field indexed from ready-made ``{term: weight}`` dicts (no positions)."""

    def __init__(self):
        self.format = fields.formats.Existence()
        self.analyzer = None
        self.scorable = False
        self.stored = False
        self.unique = False
        self.column_type = None

    def index(self, value, **kwargs):
        return ((term.encode("utf-8"), 1, float(weight), b"") for term, weight in value.items())


def schema():
    return fields.Schema(
        pk=fields.ID(unique=True, sortable=True),
        text=_Terms(), exact=_Terms(), pairs=_Terms(),
        length=fields.COLUMN(NumericColumn("I")),
        folded=fields.COLUMN(VarBytesColumn()),
        heading=fields.COLUMN(VarBytesColumn()),
        published=fields.COLUMN(NumericColumn("d")),
        **{name: fields.ID(sortable=True) for name in FACETS},
        **{name: fields.STORED() for name in STORED},
    )


def _merge_small(writer, segments):
    """Merge policy for everyday commits: small segments, by size class.

    Segments of 1-9, 10-99 and 100-999 documents are merged within their
    class once it holds ``MERGE_FACTOR`` of them (or one is mostly deleted),
    so a publication never waits for a big merge; segments whose documents
    were all deleted are dropped; a rebuild's big segments are left alone.
    """
    keep, classes = [], {}
    for seg in segments:
        if seg.doc_count() == 0:
            continue
        size = seg.doc_count_all()
        if size >= SMALL_SEGMENT_DOCS:
            keep.append(seg)
        else:
            classes.setdefault(len(str(size)), []).append(seg)
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


@dataclass
class Segment:
    """One immutable segment as a generation sees it."""

    seg_id: str
    reader: object  # Whoosh leaf reader
    offset: int
    size: int  # documents, deleted ones included
    deleted: frozenset


class _Storage(FileStorage):
    """A FileStorage that closes what it opened when reading an index fails.

    Whoosh leaves the files of a half-read table of contents or segment open
    when it raises; they would be closed by the garbage collector only, with
    a ResourceWarning each.
    """

    def __init__(self, path):
        super().__init__(path)
        self._opened = None

    def open_file(self, name, **kwargs):
        f = super().open_file(name, **kwargs)
        if self._opened is not None:
            self._opened.append(f)
        return f

    @contextmanager
    def closing_on_error(self):
        self._opened = []
        try:
            yield
        except BaseException:
            for f in self._opened:
                try:
                    f.close()
                except Exception:  # noqa: BLE001, S110 - already broken
                    pass
            raise
        finally:
            self._opened = None


class Store:
    """One index directory shared by any number of processes."""

    def __init__(self, path: str, writer_timeout: float = 5.0):
        self.path = path
        self.writer_timeout = writer_timeout
        os.makedirs(path, exist_ok=True)
        with guarded(path):
            self._ix = self._open_or_create()
        self._searcher = None

    def _open_or_create(self):
        # The lock keeps two processes from creating (and so wiping) at once.
        storage = self._storage = _Storage(self.path)
        lock = storage.lock(INDEX_NAME + "_CREATE")
        lock.acquire(blocking=True)
        try:
            with storage.closing_on_error():
                exists = storage.index_exists(INDEX_NAME)
            if exists:
                with storage.closing_on_error():
                    ix = storage.open_index(INDEX_NAME)
                if set(ix.schema.names()) == set(schema().names()):
                    return ix
                raise IndexCorrupt(f"search index {self.path} has another schema")
            return storage.create_index(schema(), indexname=INDEX_NAME)
        finally:
            lock.release()

    def close(self) -> None:
        searcher, self._searcher = self._searcher, None
        if searcher is not None:
            searcher.close()

    def __del__(self):
        # Without it a dropped instance leaves its files to the garbage
        # collector, which warns about each one.
        try:
            self.close()
        except Exception:  # noqa: BLE001, S110 - nothing to do at teardown
            pass

    def segments(self) -> list[Segment] | None:
        """The latest generation's segments, or None when nothing changed since the last call."""
        if self._searcher is not None and self._searcher.up_to_date():
            return None
        # Not Searcher.refresh(): in Whoosh-Reloaded 2.7.5 it keeps the
        # segments a merge removed, and its reused readers keep stale
        # deletions. Opening afresh costs a few milliseconds per segment.
        self.close()
        with guarded(self.path):
            for attempt in range(3):
                try:
                    with self._storage.closing_on_error():
                        self._searcher = self._ix.searcher()
                    break
                except OSError:
                    # A commit in another process removed files between reading
                    # the table of contents and opening them: read it again.
                    if attempt == 2:
                        raise
                    time.sleep(0.01)
            found = []
            for leaf, offset in self._searcher.reader().leaf_readers():
                size = leaf.doc_count_all()
                if not size:
                    continue  # an empty index has a reader without segments
                seg = leaf.segment()
                deleted = frozenset(seg.deleted_docs()) if leaf.has_deletions() else frozenset()
                found.append(Segment(seg.segment_id(), leaf, offset, size, deleted))
        return found

    def _writer(self):
        for attempt in range(WRITER_RETRIES):
            try:
                with guarded(self.path):
                    return self._ix.writer(timeout=self.writer_timeout, limitmb=256, codec=Codec(),
                                           compound=False)
            except IndexBusyError:
                if attempt == WRITER_RETRIES - 1:
                    raise
                time.sleep(0.05 * (attempt + 1))

    def apply(self, records: list[Record], deletes: Iterable[int]) -> None:
        """One writer, one commit: ``records`` replace their ids, ``deletes`` go."""
        writer = self._writer()
        with guarded(self.path):
            try:
                for pk in deletes:
                    writer.delete_by_term("pk", str(pk))
                for record in records:
                    writer.update_document(**record.whoosh_fields())
            except BaseException:
                writer.cancel()
                raise
            writer.commit(mergetype=_merge_small)

    def rebuild(self, docs: Iterable[dict], total: int | None = None, workers: int = 1) -> int:
        """Replace every document by ``docs`` (analysed by ``records.record``) in one
        commit; returns how many. Readers in other processes see the old
        generation or the new one, never half of it.

        With ``workers`` > 1 and enough documents, segments are analysed and
        written by that many processes at once (a fork server: never a fork
        of a threaded web worker); ``total``, when known, evens them out.
        """
        if total is None and hasattr(docs, "__len__"):
            total = len(docs)
        parallel = FAST_PATH and workers > 1 and (total or 0) >= PARALLEL_FROM
        size = REBUILD_SEGMENT_DOCS
        if parallel:
            parts = max(workers, -(-total // REBUILD_SEGMENT_DOCS))
            parts += -parts % workers
            size = -(-total // parts)
        writer = self._writer()
        segments, count = [], 0
        pool = _pool(workers) if parallel else None
        with guarded(self.path):
            try:
                pending, batch = [], []
                for doc in docs:
                    batch.append(doc)
                    if len(batch) >= size:
                        pending.append(self._segment_of(batch, pool))
                        count, batch = count + len(batch), []
                if batch:
                    pending.append(self._segment_of(batch, pool))
                    count += len(batch)
                segments = [p.result() if pool else p for p in pending]
                writer._close_segment()
                writer._commit_toc(segments)
            except BaseException:
                writer.cancel()
                raise
            finally:
                if pool is not None:
                    pool.shutdown()
            writer._finish()
        return count

    def _segment_of(self, docs: list[dict], pool):
        if pool is not None:
            return pool.submit(_build_in_child, self.path, docs)
        found = [to_record(d) for d in docs]
        if not FAST_PATH:
            seg_writer = SegmentWriter(self._ix, _lk=False, codec=Codec(), compound=False, limitmb=512)
            for one in found:
                seg_writer.add_document(**one.whoosh_fields())
            return seg_writer._finalize_segment()
        return fast_segment(self._ix, found)


def _pool(workers: int):
    context = multiprocessing.get_context("forkserver")
    context.set_forkserver_preload([__name__])
    return ProcessPoolExecutor(max_workers=workers, mp_context=context)


def _build_in_child(path: str, docs: list[dict]):
    ix = index.open_dir(path, indexname=INDEX_NAME)
    try:
        return fast_segment(ix, [to_record(d) for d in docs])
    finally:
        ix.close()


SHARED_KEYS_FROM = 2000
# Shared float objects for the usual weights (sums of column weights), so
# cached postings do not hold a float object each.
_WEIGHTS = {w / 2: w / 2 for w in range(1, 1001)}


def postings(seg: Segment, fieldname: str, term: str, docnums: list) -> dict:
    """All ``{docnum: weight}`` of a term in a segment (empty when absent).

    Long lists take their keys from ``docnums``, so that the cached dicts of
    common words share int objects.
    """
    with guarded("segment " + seg.seg_id):
        try:
            matcher = seg.reader.postings(fieldname, term)
        except TermNotFound:
            return {}
        if FAST_PATH and type(matcher) is W3LeafMatcher:
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
            if len(ids) > SHARED_KEYS_FROM:
                return dict(zip(map(docnums.__getitem__, ids), weights, strict=True))
            return dict(zip(ids, weights, strict=True))
        result = {}
        while matcher.is_active():
            result[docnums[matcher.id()]] = matcher.weight()
            matcher.next()
        return result


def doc_frequency(seg: Segment, fieldname: str, term: str) -> int:
    with guarded("segment " + seg.seg_id):
        return seg.reader.doc_frequency(fieldname, term)


def term_counts(seg: Segment, fieldname: str) -> dict[str, int]:
    """Every term of a field in a segment with the number of documents holding it."""
    with guarded("segment " + seg.seg_id):
        return {t.decode("utf-8"): info.doc_frequency() for t, info in seg.reader.iter_field(fieldname)}


def column(seg: Segment, name: str) -> list:
    with guarded("segment " + seg.seg_id):
        # Whoosh answers a column whose file is missing with its default
        # values ('' for every document), as if it had never been written.
        if not seg.reader.has_column(name):
            raise SegmentGone(f"segment {seg.seg_id}: column {name} is gone")
        return list(seg.reader.column_reader(name, translate=True))


class ColumnReader:
    """Random access to one column of a segment (opened on first use)."""

    def __init__(self, seg: Segment, name: str):
        self.seg, self.name, self._reader = seg, name, None

    def __getitem__(self, local: int):
        with guarded("segment " + self.seg.seg_id):
            if self._reader is None:
                self._reader = self.seg.reader.column_reader(self.name)
            return self._reader[local]


def stored(seg: Segment, local: int) -> dict:
    with guarded("segment " + seg.seg_id):
        try:
            return seg.reader.stored_fields(local)
        except TypeError as error:  # Whoosh found no stored column: its file is gone
            raise SegmentGone(f"segment {seg.seg_id}: stored fields unreadable") from error
