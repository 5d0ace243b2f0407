import unicodedata

import pytest

from portal.core.textfold import fold, slugify

# Folding text never opens the database: once, in the SQLite pass (CI time).
pytestmark = pytest.mark.sqlite_only


@pytest.mark.parametrize(
    ("text", "expected"),
    [
        ("Sáng kiến", "sang kien"),
        ("SÁNG KIẾN", "sang kien"),
        ("Điều tra", "dieu tra"),
        ("ĐỒNG ĐỘI đ", "dong doi d"),
        ("Viện kiểm sát nhân dân tối cao", "vien kiem sat nhan dan toi cao"),
        ("ẵ ự ỡ ỷ", "a u o y"),
        ("already plain 2021", "already plain 2021"),
        ("", ""),
    ],
)
def test_fold(text, expected):
    assert fold(text) == expected


def test_fold_accepts_decomposed_input():
    assert fold(unicodedata.normalize("NFD", "Thi hành án")) == "thi hanh an"


def test_fold_leaves_punctuation_alone():
    assert fold("Phòng 1 – Hình sự, (2021)") == "phong 1 – hinh su, (2021)"


@pytest.mark.parametrize(
    ("text", "expected"),
    [
        ("Sáng kiến điều tra", "sang-kien-dieu-tra"),
        ("  Đổi mới -- công tác   kiểm sát!  ", "doi-moi-cong-tac-kiem-sat"),
        ("Phòng 1 – Hình sự (2021)", "phong-1-hinh-su-2021"),
        ("<script>alert(1)</script>", "script-alert-1-script"),
        ("!!!", ""),
    ],
)
def test_slugify(text, expected):
    assert slugify(text) == expected


def test_slugify_cuts_long_titles_between_words():
    slug = slugify("Nâng cao chất lượng kiểm sát điều tra vụ án hình sự " * 5, max_len=40)
    assert len(slug) <= 40
    assert not slug.endswith("-")
    assert "nang-cao-chat-luong-kiem-sat".startswith(slug[:20])
    assert slug.split("-")[-1] in {"nang", "cao", "chat", "luong", "kiem", "sat", "dieu", "tra", "vu", "an", "hinh", "su"}


def test_slugify_cuts_a_single_long_word():
    assert slugify("x" * 100, max_len=80) == "x" * 80
