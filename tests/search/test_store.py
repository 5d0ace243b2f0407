"""The Whoosh adapter: its fast paths pinned to Whoosh's own behaviour, and its error policy.

``store`` reads and writes Whoosh 3 codec internals. These tests fail loudly on
a Whoosh version it was not checked against, and whenever the fast paths and
Whoosh's public interface disagree on a single posting, column or stored field.
"""
import pytest
import whoosh
from whoosh.filedb.filestore import FileStorage
from whoosh.filedb.filetables import OrderedHashWriter
from whoosh.reading import TermNotFound
from whoosh.system import pack_ushort

from portal.search import segment_writer, store
from tests.benchmarks import corpus

# The index on disk never opens the database: once, in the SQLite pass (CI time).
pytestmark = pytest.mark.sqlite_only

FIELDS = ("text", "exact", "pairs", "pk", "year", "field", "level", "unit")
COLUMNS = ("pk", "length", "folded", "heading", "published", "year", "field", "level", "unit")


def test_the_installed_whoosh_is_the_one_the_fast_paths_read():
    assert tuple(whoosh.__version__) in store.FAST_PATH_VERSIONS
    assert store.FAST_PATH


def _postings(reader, name, term):
    """A posting list through Whoosh's public matcher, one posting at a time."""
    matcher, found = reader.postings(name, term), []
    while matcher.is_active():
        found.append((matcher.id(), matcher.weight()))
        matcher.next()
    return found


def _docs(n):
    docs = corpus.generate(n, seed=5)
    docs[3]["files"] = [("Phụ lục.pdf", "Biên bản thu giữ vật chứng " * 40)]
    docs[4]["title"] = ""
    return docs


def _segment(path, docs, fast, monkeypatch):
    monkeypatch.setattr(store, "FAST_PATH", fast)
    built = store.Store(str(path))
    built.rebuild(docs)
    [segment] = built.segments()
    return built, segment


def test_a_fast_rebuild_reads_back_exactly_as_whooshs_own_writer(tmp_path, monkeypatch):
    # 1300 documents: posting lists of several blocks (512 postings each), and single ones.
    docs = _docs(1300)
    slow_store, slow = _segment(tmp_path / "slow", docs, False, monkeypatch)
    fast_store, fast = _segment(tmp_path / "fast", docs, True, monkeypatch)
    for name in FIELDS:
        terms = list(slow.reader.lexicon(name))
        assert list(fast.reader.lexicon(name)) == terms, name
        for term in terms:
            a, b = slow.reader.term_info(name, term), fast.reader.term_info(name, term)
            assert (a.doc_frequency(), a.weight(), a.max_weight(), a.min_id(), a.max_id()) == \
                   (b.doc_frequency(), b.weight(), b.max_weight(), b.min_id(), b.max_id()), (name, term)
            assert _postings(slow.reader, name, term) == _postings(fast.reader, name, term), (name, term)
    for name in COLUMNS:
        assert list(slow.reader.column_reader(name)) == list(fast.reader.column_reader(name)), name
    assert [slow.reader.stored_fields(i) for i in range(len(docs))] == \
           [fast.reader.stored_fields(i) for i in range(len(docs))]
    assert len([t for t in fast.reader.lexicon("pairs") if fast.reader.doc_frequency("pairs", t) > 512])
    slow_store.close()
    fast_store.close()


def test_fast_decoding_equals_whooshs_matcher(tmp_path, monkeypatch):
    built, seg = _segment(tmp_path / "index", _docs(1300), True, monkeypatch)
    docnums = list(range(seg.size))
    checked = 0
    for name in ("text", "pairs", "exact"):
        for term in list(seg.reader.lexicon(name))[::7]:
            text = term.decode("utf-8")
            expected = dict(_postings(seg.reader, name, term))
            monkeypatch.setattr(store, "FAST_PATH", True)
            fast = store.postings(seg, name, text, docnums)
            monkeypatch.setattr(store, "FAST_PATH", False)
            assert fast == expected == store.postings(seg, name, text, docnums), (name, text)
            checked += 1
    assert checked > 500
    assert store.postings(seg, "text", "khongcotu", docnums) == {}
    built.close()


@pytest.mark.parametrize("n_terms", [0, 1, 300, 6000])
def test_the_term_table_is_written_byte_for_byte_as_whooshs_ordered_hash_writer(tmp_path, n_terms):
    # 6000 terms: record positions past 65,535, so Whoosh widens its position array.
    fieldmap = {"exact": 0, "pairs": 1, "text": 2}
    keys = sorted(pack_ushort(i % 3) + f"tu {i:05d}".encode() for i in range(n_terms))
    values = [segment_writer.posting_list([(i << segment_writer.WEIGHT_BITS) | 3], i * 40)[1]
              for i in range(n_terms)]
    storage = FileStorage(str(tmp_path))
    table = OrderedHashWriter(storage.create_file("terms"))
    table.extras["fieldmap"] = fieldmap
    for key, value in zip(keys, values, strict=True):
        table.add(key, value)
    table.close()
    expected = (tmp_path / "terms").read_bytes()
    assert segment_writer.term_table(keys, values, fieldmap) == expected
    assert (n_terms < 6000) == (table.index.typecode == "H")


def test_whoosh_read_errors_are_index_corruption_and_code_errors_are_not(tmp_path):
    with pytest.raises(store.IndexCorrupt):
        with store.guarded(str(tmp_path)):
            raise EOFError("truncated file")
    with pytest.raises(TermNotFound):
        with store.guarded(str(tmp_path)):
            raise TermNotFound("x")
    with pytest.raises(TypeError):
        with store.guarded(str(tmp_path)):
            raise TypeError("a bug")


def test_a_rebuild_by_several_processes_holds_the_same_documents(tmp_path, monkeypatch):
    monkeypatch.setattr(store, "PARALLEL_FROM", 100)
    docs = _docs(400)
    serial, parallel = store.Store(str(tmp_path / "one")), store.Store(str(tmp_path / "two"))
    assert serial.rebuild(docs) == parallel.rebuild(docs, workers=2) == 400
    one, two = serial.segments(), parallel.segments()
    assert len(one) == 1 and len(two) == 2
    for name in FIELDS:
        assert sorted(one[0].reader.lexicon(name)) == sorted(
            set(two[0].reader.lexicon(name)) | set(two[1].reader.lexicon(name))), name
    pks = [int(v) for s in two for v in s.reader.column_reader("pk", translate=True)]
    assert sorted(pks) == [d["id"] for d in docs]
    serial.close()
    parallel.close()
