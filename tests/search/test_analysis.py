"""How text becomes index terms: words as FTS5's tokenizer cuts them, weighted by column."""
import unicodedata

import pytest

from portal.search.analysis import WORD_RE, doc_terms, words
from tests.benchmarks import corpus

# Text analysis never opens the database: once, in the SQLite pass (CI time).
pytestmark = pytest.mark.sqlite_only


def test_words_are_the_runs_of_letters_and_digits_that_fts5_cuts():
    texts = [d[key] for d in corpus.generate(200, seed=11) for key in ("title", "summary", "body")]
    texts += [
        "Bộ luật Tố tụng hình sự, năm 2015.", "a_b__c", "C++ và C#", "1.000.000 đồng", "x—y–z…",
        "“Hồ sơ điện tử”", "quyết\u00a0định", unicodedata.normalize("NFD", "Sáng kiến"), "¿Qué?",
        "email@vks.gov.vn", "Điều 7/NĐ-CP", "🙂 smile", "", "   ", "!!!",
    ]
    for text in texts:
        assert words(text) == WORD_RE.findall(unicodedata.normalize("NFC", text).lower()), text


def test_each_occurrence_counts_its_columns_weight_in_every_field():
    folded, exact, pairs, length, columns = doc_terms([("Sáng kiến", 10), ("", 3), ("sáng kiến, sang", 1)])
    assert folded == {"sang": 10 + 2, "kien": 10 + 1}
    assert exact == {"sáng": 10 + 1, "kiến": 10 + 1}
    assert pairs == {"sang kien": 10 + 1, "kien sang": 1}
    assert length == 5
    assert columns == ["sang kien", "", "sang kien sang"]
