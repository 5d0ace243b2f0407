"""Turning Vietnamese text into index terms; pure Python, no Whoosh.

Every word is indexed twice: folded ("sáng" -> "sang") so queries typed
without diacritics match, and, when it carries diacritics, exactly
(lowercased) so an accented query can prefer the accented spelling. Pairs
of consecutive folded words ("sang kien") answer quoted phrases on one
rare term instead of intersecting long lists of common syllables.

Tokens are runs of letters and digits, as in SQLite's unicode61 tokenizer:
a whitespace split would glue punctuation to words, and Whoosh's
StandardAnalyzer would drop short Vietnamese words as English stop words.
"""

import re
import unicodedata
from collections import defaultdict

from portal.core.textfold import fold

WORD_RE = re.compile(r"[^\W_]+")

_fold_cache: dict[str, str] = {}
_FOLD_CACHE_MAX = 200_000


def words(text: str) -> list[str]:
    """Lowercased NFC words of ``text`` (NFD input would split at each mark)."""
    if not text:
        return []
    return WORD_RE.findall(unicodedata.normalize("NFC", text).lower())


def fold_word(word: str) -> str:
    """``fold`` for one lowercased word, memoised: Vietnamese has few syllables."""
    folded = _fold_cache.get(word)
    if folded is None:
        folded = word if word.isascii() else fold(word)
        if len(_fold_cache) >= _FOLD_CACHE_MAX:
            _fold_cache.clear()
        _fold_cache[word] = folded
    return folded


def pair(first: str, second: str) -> str:
    return f"{first} {second}"


def doc_terms(columns):
    """Weighted terms of a document made of ``(text, weight)`` columns.

    Returns ``(folded, exact, pairs, length, folded_columns)``: three dicts
    term -> sum of the column weights of its occurrences; the number of
    words, which the BM25 length normalisation needs; and each column's
    folded words joined by spaces, in which phrases are checked.
    """
    folded_columns = []
    folded_terms = defaultdict(float)
    exact_terms = defaultdict(float)
    pair_terms = defaultdict(float)
    length = 0
    for text, weight in columns:
        tokens = words(text)
        length += len(tokens)
        previous = None
        folded_tokens = [fold_word(token) for token in tokens]
        folded_columns.append(" ".join(folded_tokens))
        for token, folded in zip(tokens, folded_tokens, strict=True):
            folded_terms[folded] += weight
            if folded != token:
                exact_terms[token] += weight
            if previous is not None:
                pair_terms[pair(previous, folded)] += weight
            previous = folded
    return folded_terms, exact_terms, pair_terms, length, folded_columns
