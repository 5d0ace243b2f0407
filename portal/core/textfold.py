"""Vietnamese text folding: the same words typed with or without diacritics.

Pure functions, no Flask. Search, slugs and duplicate detection all rely on
the same folding, so "Sáng kiến", "SÁNG KIẾN" and "sang kien" compare equal.
"""

import re
import unicodedata

# đ/Đ is a letter of its own, not d plus a combining mark, so NFD leaves it.
_D_MAP = str.maketrans({"đ": "d", "Đ": "d"})
_NON_SLUG = re.compile(r"[^a-z0-9]+")


def fold(text: str) -> str:
    """Lowercase, strip every diacritic and map đ to d ("Điều tra" -> "dieu tra")."""
    if not text:
        return ""
    decomposed = unicodedata.normalize("NFD", text.lower().translate(_D_MAP))
    stripped = "".join(ch for ch in decomposed if not unicodedata.combining(ch))
    return unicodedata.normalize("NFC", stripped)


def slugify(text: str, max_len: int = 80) -> str:
    """ASCII slug for URLs: "Sáng kiến điều tra" -> "sang-kien-dieu-tra".

    Cut at a hyphen when longer than ``max_len`` so no word is split.
    """
    slug = _NON_SLUG.sub("-", fold(text)).strip("-")
    if len(slug) > max_len:
        cut = slug[: max_len + 1]
        slug = cut.rsplit("-", 1)[0] if "-" in cut else slug[:max_len]
        slug = slug.strip("-")
    return slug
