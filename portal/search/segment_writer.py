"""A rebuild's segments written straight in the Whoosh 3 codec's layout.

Through ``SegmentWriter.add_document`` a rebuild costs several Python calls
per posting (its sorting pool, ``W3PostingsWriter.add_posting``) and per
term (``W3TermInfo``, ``OrderedHashWriter.add``, a write per hash slot). A
rebuild knows every posting of a segment up front, so here each segment's
postings are gathered in dicts of lists of ints, each posting list
is encoded a block at a time, and the term table (the terms file) is
assembled in memory and written at once, in exactly the bytes Whoosh's
``OrderedHashWriter`` writes.

Used only by ``store`` and only under the Whoosh version it names in
``FAST_PATH_VERSIONS``; ``tests/search/test_store.py`` pins the segments to
Whoosh's own writer (every posting, term statistic, column and stored
field) and the term table to ``OrderedHashWriter`` byte for byte.
"""

import hashlib
import pickle
import struct
import zlib
from array import array
from itertools import accumulate, chain, repeat
from operator import and_, rshift, sub

from whoosh.codec.whoosh3 import WHOOSH3_HEADER_MAGIC, W3Codec
from whoosh.system import pack_ushort
from whoosh.util.numeric import length_to_byte

from portal.search.records import FACETS

TERM_FIELDS = ("text", "exact", "pairs")
BLOCK_SIZE = 512
COMPRESSION = 3  # W3Codec's default zlib level
_DEFLATE_FROM = 96  # bytes of pickled block data
FAST_COMPRESSION = 1  # the fast path's level: any level reads the same
# A posting is packed as docnum << WEIGHT_BITS | weight (weights are whole
# numbers: sums of the integer column weights).
WEIGHT_BITS = 24
WEIGHT_MASK = (1 << WEIGHT_BITS) - 1
_FLUSH_BYTES = 1 << 22  # postings written in pieces of about this size

# W3TermInfo's layout (flags, total weight, doc frequency, min and max length
# bytes, max weight, first and last id) followed by the offset and length of
# the posting list in the postings file.
_TERM_INFO = struct.Struct("!BfIBBfIIqi")
_NO_LENGTH = length_to_byte(0)  # postings carry no lengths (``length_stats`` off)
_BLOCK_LENGTH = struct.Struct("!i")
# OrderedHashWriter's file: header, records, 256 hash tables, directory, extras.
_HASH_HEADER = b"HSH3" + bytes([0]) + struct.pack("!ii", 0, 0)  # magic, MD5 hashing, two spare ints
_LENGTHS = struct.Struct("!ii")
_POINTER = struct.Struct("!Iq")
_DIR_ENTRY = struct.Struct("!qi")


class Codec(W3Codec):
    # Whoosh reads a length column for every posting it writes, for its own
    # scorers' block statistics; queries here never use them.
    length_stats = False

    def __init__(self):
        # Bigger blocks: posting lists are decoded whole, a block at a time.
        super().__init__(blocklimit=BLOCK_SIZE, compression=COMPRESSION)


def fast_segment(ix, records: list):
    """A new segment of ``ix`` holding ``records`` (``records.Record``), not yet committed."""
    codec, storage = Codec(), ix.storage
    segment = codec.new_segment(storage, ix.indexname)
    postings = _write_per_document(codec, storage, segment, ix.schema, records)
    _write_postings(storage, segment, postings)
    segment.set_doc_count(len(records))
    return segment


def _write_per_document(codec, storage, segment, sch, records) -> dict:
    """Stored fields and columns of each document; returns ``{field: {term: postings}}``.

    A posting is one unsigned 64-bit number, docnum and weight together, and
    a term's postings one array of them: appending keeps no Python object
    per posting, so encoding a list later reads contiguous memory instead of
    ints scattered over the heap (twice as fast).
    """
    perdoc = codec.per_document_writer(storage, segment)
    postings = {name: {} for name in (*TERM_FIELDS, "pk", *FACETS)}
    column_types = {name: sch[name].column_type for name in sch.names() if sch[name].column_type}
    for docnum, record in enumerate(records):
        perdoc.start_doc(docnum)
        for name, value in record.stored.items():
            if value is not None:
                perdoc.add_field(name, sch[name], value, 0)
        values = {"pk": str(record.pk), **record.facets}
        for name, value in (*values.items(), *record.columns.items()):
            perdoc.add_column_value(name, column_types[name], sch[name].to_column_value(value))
        perdoc.finish_doc()
        base = docnum << WEIGHT_BITS
        for name, value in values.items():
            codes = postings[name].get(value)
            if codes is None:
                postings[name][value] = array("Q", (base | 1,))
            else:
                codes.append(base | 1)
        for name, terms in record.terms.items():
            target = postings[name]
            get = target.get
            for term, weight in terms.items():
                codes = get(term)
                if codes is None:
                    target[term] = array("Q", (base | weight,))
                else:
                    codes.append(base | weight)
    perdoc.close()
    return postings


def _write_postings(storage, segment, postings: dict) -> None:
    """The postings file and the terms file of a segment, fields in name order."""
    postfile = segment.create_file(storage, W3Codec.POSTS_EXT)
    keys, infos, fieldmap = [], [], {}
    pending, pending_size, offset = [], 0, 0
    for name in sorted(name for name, found in postings.items() if found):
        fieldid = pack_ushort(len(fieldmap))
        fieldmap[name] = len(fieldmap)
        terms = postings[name]
        for btext, term in sorted(zip(map(str.encode, terms), terms, strict=True)):
            data, info = posting_list(terms[term], offset)
            pending.append(data)
            pending_size += len(data)
            offset += len(data)
            keys.append(fieldid + btext)
            infos.append(info)
            if pending_size >= _FLUSH_BYTES:
                postfile.write(b"".join(pending))
                pending, pending_size = [], 0
    postfile.write(b"".join(pending))
    postfile.close()
    termsfile = segment.create_file(storage, W3Codec.TERMS_EXT)
    termsfile.write(term_table(keys, infos, fieldmap))
    termsfile.close()


def posting_list(codes, offset: int) -> tuple[bytes, bytes]:
    """One posting list in ``W3PostingsWriter``'s layout, and its ``W3TermInfo`` bytes.

    Each block is the pickled ``(id deltas, weights, values)``, compressed
    unless tiny (Whoosh's reader accepts level 0; deflating a few bytes costs
    more than the rest of the block), after a pickled info tuple and its
    length, negative for the last block.
    """
    ids = array("I", map(rshift, codes, repeat(WEIGHT_BITS)))
    weights = tuple(map(and_, codes, repeat(WEIGHT_MASK)))
    n = len(ids)
    out = [WHOOSH3_HEADER_MAGIC]
    top = 0
    for first in range(0, n, BLOCK_SIZE):
        block_ids = ids[first : first + BLOCK_SIZE] if n > BLOCK_SIZE else ids
        # Whole-number weights, pickled as ints: Whoosh reads them as it reads
        # its own 32-bit floats (a weight is only ever added and multiplied).
        block_weights = weights[first : first + BLOCK_SIZE] if n > BLOCK_SIZE else weights
        maxweight = max(block_weights)
        minweight = min(block_weights)
        if maxweight == minweight:
            mini_weights = None if maxweight == 1 else float(maxweight)
        else:
            mini_weights = block_weights
        deltas = tuple(map(sub, block_ids, chain((0,), block_ids)))
        data = pickle.dumps((deltas, mini_weights, None), 2)
        comp = FAST_COMPRESSION if len(data) >= _DEFLATE_FROM else 0
        if comp:
            data = zlib.compress(data, comp)
        header = pickle.dumps((len(block_ids), block_ids[-1], float(maxweight), comp, 0, 0), 2)
        length = len(header) + len(data)
        out += (_BLOCK_LENGTH.pack(-length if first + BLOCK_SIZE >= n else length), header, data)
        top = max(top, maxweight)
    data = b"".join(out)
    info = _TERM_INFO.pack(0, sum(weights), n, 0, _NO_LENGTH, top, ids[0], ids[-1], offset, len(data))
    return data, info


def _md5_hash(key: bytes) -> int:
    # filetables.md5_hash: the low 32 bits of the digest as a number.
    return int.from_bytes(hashlib.md5(key, usedforsecurity=False).digest()[12:], "big")


def term_table(keys: list, values: list, fieldmap: dict) -> bytes:
    """The bytes ``OrderedHashWriter`` writes for ``keys`` (increasing) and ``values``
    with ``{"fieldmap": fieldmap}`` as extras (what ``W3FieldWriter`` gives it)."""
    records = list(map(b"".join, zip(map(_LENGTHS.pack, map(len, keys), map(len, values)), keys, values, strict=True)))
    ends = list(accumulate(map(len, records), initial=len(_HASH_HEADER)))
    positions, table_at = ends[:-1], ends[-1]
    buckets = [[] for _ in range(256)]
    for h, position in zip(map(_md5_hash, keys), positions, strict=True):
        buckets[h & 255].append((h, position))
    out = [_HASH_HEADER, *records]
    directory = []
    for entries in buckets:
        numslots = 2 * len(entries)
        directory.append((table_at, numslots))
        table = [(0, 0)] * numslots
        for h, position in entries:
            slot = (h >> 8) % numslots
            while table[slot] != (0, 0):
                slot = (slot + 1) % numslots
            table[slot] = (h, position)
        out += (_POINTER.pack(h, position) for h, position in table)
        table_at += numslots * _POINTER.size
    out += (_DIR_ENTRY.pack(*entry) for entry in directory)
    index = _position_array(positions)
    extras = pickle.dumps({"fieldmap": fieldmap, "indextype": index.typecode, "indexlen": len(index)}, -1)
    index.byteswap()  # StructFile.write_array writes big-endian
    out += (extras, index.tobytes(), struct.pack("!i", len(extras) + len(index) * index.itemsize))
    return b"".join(out)


def _position_array(positions: list) -> array:
    """The record positions as ``GrowableArray`` keeps them (its smallest type that holds them)."""
    top = positions[-1] if positions else 0
    typecode = "H" if top < 2**16 else "i" if top < 2**31 else "I" if top < 2**32 else "q"
    return array(typecode, positions)
