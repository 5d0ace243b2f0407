"""Turning Vietnamese text into index terms; pure Python, no Whoosh.

Every word is indexed twice: folded ("sáng" -> "sang") so queries typed
without diacritics match, and, when it carries diacritics, exactly
(lowercased) so an accented query can prefer the accented spelling. Pairs
of consecutive folded words ("sang kien") answer quoted phrases on one
rare term instead of intersecting long lists of common syllables, and tell
a typo from a real word by its neighbours.

Tokens are runs of letters and digits, as in SQLite's unicode61 tokenizer:
a whitespace split alone would glue punctuation to words, and Whoosh's
StandardAnalyzer would drop short Vietnamese words as English stop words.
Analysis runs once per document at every rebuild, so it counts with
``Counter`` and ``map`` (loops in C) rather than word by word.
"""

import re
import string
import unicodedata
from collections import Counter
from itertools import chain, filterfalse, islice

from portal.core.textfold import fold

WORD_RE = re.compile(r"[^\W_]+")
# Marks between words in prose (none is a letter or a digit).
_MARKS = re.compile("[" + re.escape(string.punctuation + "–—“”‘’…«»") + "]")

_fold_cache: dict[str, str] = {}
_FOLD_CACHE_MAX = 200_000


def words(text: str) -> list[str]:
    """Lowercased NFC words of ``text`` (NFD input would split at each mark).

    The same as ``WORD_RE.findall``, about twice as fast on prose: once the
    usual punctuation is blanked out, the whitespace-separated pieces are
    words, checked all at once; only other marks are split piece by piece.
    """
    if not text:
        return []
    pieces = _MARKS.sub(" ", unicodedata.normalize("NFC", text).lower()).split()
    if "".join(pieces).isalnum():
        return pieces
    out = []
    for piece in pieces:
        if piece.isalnum():
            out.append(piece)
        else:
            out.extend(WORD_RE.findall(piece))
    return out


def fold_word(word: str) -> str:
    """``fold`` for one lowercased word, memoised: Vietnamese has few syllables."""
    folded = _fold_cache.get(word)
    if folded is None:
        folded = word if word.isascii() else fold(word)
        if len(_fold_cache) >= _FOLD_CACHE_MAX:
            _fold_cache.clear()
        _fold_cache[word] = folded
    return folded


def fold_words(tokens: list[str]) -> list[str]:
    folded = list(map(_fold_cache.get, tokens))
    if None in folded:
        folded = [f if f is not None else fold_word(t) for f, t in zip(folded, tokens, strict=True)]
    return folded


def pair(first: str, second: str) -> str:
    return f"{first} {second}"


def pairs_of(folded: list[str]):
    """The consecutive pairs of a list of folded words, as pair terms."""
    return map(" ".join, zip(folded, islice(folded, 1, None), strict=False))


def doc_terms(columns):
    """Weighted terms of a document made of ``(text, weight)`` columns.

    Returns ``(folded, exact, pairs, length, folded_columns)``: three dicts
    term -> sum of the column weights of its occurrences; the number of
    words, which the BM25 length normalisation needs; and each column's
    folded words joined by spaces, in which phrases are checked.

    Weights are whole numbers: a column's words are repeated that many
    times, so each dict is counted by one ``Counter`` pass in C.
    """
    analysed = []
    for text, weight in columns:
        tokens = words(text)
        analysed.append((tokens, fold_words(tokens), weight))
    folded_runs, exact_runs, pair_runs = [], [], []
    for tokens, folded, weight in analysed:
        if not tokens:
            continue
        folded_runs.append(folded * weight)
        exact = list(filterfalse(str.isascii, tokens))
        if exact:
            exact_runs.append(exact * weight)
        if len(folded) > 1:
            pair_runs.append(list(pairs_of(folded)) * weight)
    length = sum(len(tokens) for tokens, _, _ in analysed)
    folded_columns = [" ".join(folded) for _, folded, _ in analysed]
    return (Counter(chain.from_iterable(folded_runs)), Counter(chain.from_iterable(exact_runs)),
            Counter(chain.from_iterable(pair_runs)), length, folded_columns)
