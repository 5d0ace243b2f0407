"""How documents write dates, scores and authors (Vietnamese, whatever the page's language)."""
from functools import lru_cache

from portal.core import numbers
from portal.core.markup import plain_text
from portal.core.timeutil import today


def vietnamese_date(day, place):
    """"Đà Nẵng, ngày 05 tháng 3 năm 2026": days below 10 and months 1–2 take a leading zero
    (ND 30/2020, Phụ lục I); without a day, room to write it by hand."""
    if day is None:
        return f"{place}, ngày     tháng     năm {today().year}"
    month = f"{day.month:02d}" if day.month < 3 else str(day.month)
    return f"{place}, ngày {day.day:02d} tháng {month} năm {day.year}"


def date_text(day):
    return day.strftime("%d/%m/%Y") if day else ""


@lru_cache(maxsize=4096, typed=True)
def score_text(value):
    """At most two decimals with a decimal comma (62,67), as the pages write it (the same few
    hundred means recur over thousands of rows; Babel formats each of them once)."""
    return numbers.score(value, locale="vi")


def authors_text(initiative):
    return ", ".join(f"{a.display_name} ({a.share}%)" for a in initiative.authors)


def markdown_paragraphs(text):
    """Markdown reduced to plain paragraphs: one per block, one per list item."""
    out = []
    for block in str(text or "").replace("\r\n", "\n").split("\n\n"):
        items = block.split("\n") if block.lstrip().startswith(("-", "*", "1.")) else [block]
        out.extend(clean for clean in (plain_text(line) for line in items) if clean)
    return out
