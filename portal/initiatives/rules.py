"""What an application must contain, as plain functions (no Flask, no database).

The page form and the API both end in `operations`, which checks values here,
so the limits, the share rule and the completeness check exist once.
"""
import difflib
import re
from datetime import date

from portal.core.numbers import number as format_number
from portal.core.phrases import Phrase

TITLE_MAX = 300
SUMMARY_MAX = 3_000
LONG_MAX = 50_000
NAME_MAX = 200
WORKPLACE_MAX = 300
MAX_AUTHORS = 10
RETURN_NOTE_MAX = 5_000

# The long sections of the application, in the order of the official form
# (đơn đề nghị công nhận sáng kiến), with their headings.
SECTIONS = {
    "current_state": "Tình trạng giải pháp đã biết (thực trạng, nhược điểm)",
    "solution": "Nội dung giải pháp đề nghị công nhận là sáng kiến",
    "conditions": "Các điều kiện cần thiết để áp dụng sáng kiến",
    "benefits": "Hiệu quả, lợi ích thu được hoặc dự kiến",
}
# What the TT 18/2013/TT-BKHCN form asks besides (never published: the article shows SECTIONS).
APPLICATION_EXTRAS = {
    "confidential_info": "Những thông tin cần được bảo mật",
    "trial_users": "Những người đã tham gia áp dụng thử hoặc áp dụng lần đầu",
    "trial_assessment": "Đánh giá của tổ chức, cá nhân đã tham gia áp dụng thử hoặc áp dụng lần đầu",
}
EXTRA_MAX = 10_000
TRIAL_USER_PARTS = ("name", "birth_date", "workplace", "position", "qualification", "task")
TEXT_LIMITS = {"title": TITLE_MAX, "summary": SUMMARY_MAX, **{key: LONG_MAX for key in SECTIONS},
               **{key: EXTRA_MAX for key in APPLICATION_EXTRAS}}

LABELS = {
    "title": "Tên sáng kiến",
    "field": "Lĩnh vực",
    "form": "Hình thức",
    "year": "Năm",
    "unit": "Đơn vị",
    "requested_level": "Cấp đề nghị công nhận",
    "first_applied_on": "Ngày áp dụng lần đầu hoặc áp dụng thử",
    "summary": "Tóm tắt sáng kiến",
    **SECTIONS,
    **APPLICATION_EXTRAS,
    "authors": "Tác giả và tỷ lệ đóng góp",
    "attachments": "Tệp đính kèm",
    "ip_protected": "Giải pháp đang được bảo hộ quyền sở hữu trí tuệ",
    "trial_only": "Giải pháp mới được áp dụng thử",
    "first_application_requested": "Đề nghị đơn vị tổ chức áp dụng lần đầu",
}

# What submission needs, with the message that says what to add.
REQUIRED_FOR_SUBMISSION = [
    ("title", Phrase("Chưa nhập tên sáng kiến.")),
    ("field", Phrase("Chưa chọn lĩnh vực.")),
    ("unit", Phrase("Chưa chọn đơn vị.")),
    ("first_applied_on", Phrase("Chưa nhập ngày áp dụng lần đầu hoặc áp dụng thử.")),
    ("summary", Phrase("Chưa nhập tóm tắt sáng kiến.")),
    ("current_state", Phrase("Chưa mô tả tình trạng giải pháp đã biết (thực trạng, nhược điểm).")),
    ("solution", Phrase("Chưa nhập nội dung giải pháp.")),
    ("conditions", Phrase("Chưa nêu các điều kiện cần thiết để áp dụng.")),
    ("benefits", Phrase("Chưa nêu hiệu quả, lợi ích thu được hoặc dự kiến.")),
]


def text_errors(values):
    """{field: [message]} for text values that are too long, and an empty title."""
    errors = {}
    for key, limit in TEXT_LIMITS.items():
        if key not in values:
            continue
        value = values[key]
        if value is not None and not isinstance(value, str):
            errors.setdefault(key, []).append(Phrase("%(field)s phải là văn bản.", field=Phrase(LABELS[key])))
            continue
        if value and len(value) > limit:
            errors.setdefault(key, []).append(Phrase(
                "%(field)s dài %(length)s ký tự, vượt quá giới hạn %(limit)s ký tự.", field=Phrase(LABELS[key]),
                length=format_number(len(value)), limit=format_number(limit)))
    if "title" in values and "title" not in errors and not (values["title"] or "").strip():
        errors.setdefault("title", []).append(Phrase("Vui lòng nhập tên sáng kiến."))
    return errors


def trial_people(text):
    """The people of `trial_users`, one a line: "Họ và tên; ngày sinh; nơi công tác; chức danh;
    trình độ chuyên môn; nội dung công việc hỗ trợ" (the columns of the TT 18 form's table)."""
    people = []
    for line in str(text or "").splitlines():
        if line.strip():
            parts = [part.strip() for part in line.split(";")]
            people.append(dict(zip(TRIAL_USER_PARTS, parts + [""] * (len(TRIAL_USER_PARTS) - len(parts)),
                                   strict=False)))
    return people


def trial_user_errors(text):
    """{"trial_users": [message]} for lines without a name or with more parts than the table has."""
    problems = []
    for number, line in enumerate(str(text or "").splitlines(), start=1):
        if not line.strip():
            continue
        parts = [part.strip() for part in line.split(";")]
        if not parts[0]:
            problems.append(Phrase("Dòng %(line)s: thiếu họ và tên người tham gia áp dụng.", line=number))
        elif len(parts) > len(TRIAL_USER_PARTS):
            problems.append(Phrase("Dòng %(line)s: tối đa %(parts)s mục, cách nhau bởi dấu chấm phẩy.", line=number,
                                   parts=len(TRIAL_USER_PARTS)))
    return {"trial_users": problems} if problems else {}


def date_errors(first_applied_on, today):
    if first_applied_on and first_applied_on > today:
        return {"first_applied_on": [Phrase("Ngày áp dụng lần đầu không được sau ngày hôm nay.")]}
    return {}


def year_errors(year, years_on_record):
    """A year is one on record (the admin adds years); the message lists those there are."""
    if isinstance(year, int) and not isinstance(year, bool) and year in years_on_record:
        return {}
    listed = ", ".join(str(y) for y in sorted(years_on_record)) or "—"
    return {"year": [Phrase("Năm %(year)s chưa có trong danh mục năm của Cổng (các năm: %(years)s).", year=year,
                            years=listed)]}


def author_errors(authors):
    """Check a list of author dicts: {"username"} or {"name", "workplace"}, each with "share".

    Shares are whole percentages that add up to 100; nobody appears twice.
    Whether a username exists is for the caller, who has the database.
    """
    errors = []
    if not authors:
        return [Phrase("Sáng kiến phải có ít nhất một tác giả.")]
    if len(authors) > MAX_AUTHORS:
        # Nothing more is said about each one: the answer stays short whatever was sent.
        return [Phrase("Một sáng kiến có tối đa %(most)s tác giả (nhận được %(count)s).", most=MAX_AUTHORS,
                       count=len(authors))]
    seen = set()
    total = 0
    for number, author in enumerate(authors, start=1):
        username = (author.get("username") or "").strip().lower()
        name = (author.get("name") or "").strip()
        workplace = (author.get("workplace") or "").strip()
        who = username or name or Phrase("tác giả thứ %(number)s", number=number)
        share = author.get("share")
        if isinstance(share, str) and share.strip().isdigit():
            share = int(share.strip())
        if not isinstance(share, int) or isinstance(share, bool) or not 1 <= share <= 100:
            errors.append(Phrase("Tỷ lệ đóng góp của %(who)s phải là số nguyên từ 1 đến 100.", who=who))
        else:
            total += share
        if not username:
            if not name:
                errors.append(Phrase("Tác giả thứ %(number)s: nhập tên đăng nhập của cán bộ, hoặc họ tên và nơi công "
                                     "tác của đồng tác giả ngoài đơn vị.", number=number))
                continue
            if not workplace:
                errors.append(Phrase("Vui lòng nhập nơi công tác của đồng tác giả %(name)s.", name=name))
            if len(name) > NAME_MAX or len(workplace) > WORKPLACE_MAX:
                errors.append(Phrase("Họ tên hoặc nơi công tác của %(name)s quá dài.", name=name))
        key = ("user", username) if username else ("outside", name.lower())
        if key in seen:
            errors.append(Phrase("%(who)s được nhập hai lần.", who=who))
        seen.add(key)
    if not errors and total != 100:
        errors.append(Phrase("Tổng tỷ lệ đóng góp của các tác giả phải bằng 100%% (hiện là %(total)s%%).", total=total))
    return errors


def missing_items(values):
    """Every item an application still lacks before it can be submitted, in Vietnamese."""
    missing = [message for key, message in REQUIRED_FOR_SUBMISSION
               if not _filled(values.get(key))]
    authors = values.get("authors") or []
    if not authors:
        missing.append("Chưa có tác giả.")
    elif sum(int(a.get("share") or 0) for a in authors) != 100:
        missing.append("Tổng tỷ lệ đóng góp của các tác giả chưa bằng 100%.")
    return missing


def _filled(value):
    if isinstance(value, str):
        return bool(value.strip())
    return value is not None


_HEADING = re.compile(r"^#{1,3}\s+(.+?)\s*#*\s*$", re.MULTILINE)
_HEADING_KEYS = [
    ("current_state", ("thực trạng", "tình trạng", "current state")),
    ("solution", ("nội dung", "giải pháp", "solution")),
    ("conditions", ("điều kiện", "conditions")),
    ("benefits", ("hiệu quả", "lợi ích", "benefits")),
]


def _section_for(heading):
    lowered = heading.lower()
    for key, words in _HEADING_KEYS:
        if any(word in lowered for word in words):
            return key
    return None


def split_content(content):
    """Split one Markdown document into the four sections by its headings.

    Headings naming a section ("## Thực trạng", "## Nội dung giải pháp",
    "## Điều kiện áp dụng", "## Hiệu quả") start it; text before the first such
    heading, or a document without them, is the content of the solution.
    """
    content = (content or "").strip()
    found = [(m, _section_for(m.group(1))) for m in _HEADING.finditer(content)]
    found = [(m, key) for m, key in found if key]
    if not found:
        return {"solution": content} if content else {}
    parts = {}
    lead = content[: found[0][0].start()].strip()
    if lead:
        parts["solution"] = lead
    for i, (match, key) in enumerate(found):
        end = found[i + 1][0].start() if i + 1 < len(found) else len(content)
        body = content[match.end():end].strip()
        parts[key] = (parts[key] + "\n\n" + body).strip() if key in parts else body
    return parts


def join_content(values):
    """The four sections as one Markdown document, each under its heading."""
    chunks = [f"## {label}\n\n{values[key].strip()}"
              for key, label in SECTIONS.items() if (values.get(key) or "").strip()]
    return "\n\n".join(chunks)


def _author_line(author):
    where = f" ({author['workplace']})" if author.get("workplace") else ""
    return f"{author.get('name', '')}{where}: {author.get('share', '')}%"


def _attachment_line(attachment):
    return f"{attachment.get('name', '')} ({format_number(attachment.get('size', 0))} byte)"


def _as_lines(key, value):
    if value is None:
        return []
    if key == "authors":
        return [_author_line(a) for a in value]
    if key == "attachments":
        return [_attachment_line(a) for a in value]
    # Blank lines only separate Markdown paragraphs; a reader does not need them in a diff.
    return [line for line in str(value).splitlines() if line.strip()]


DIFF_KEYS = ["title", "field", "form", "year", "unit", "requested_level", "first_applied_on",
             "summary", *SECTIONS, "authors", "attachments"]
SHORT_KEYS = {"title", "field", "form", "year", "unit", "requested_level", "first_applied_on"}


def diff_snapshots(old, new, context=1):
    """What changed from snapshot `old` to `new`, field by field, readable by a person.

    Returns [{"key", "label", "short": bool, "old", "new", "lines": [(op, text)]}]
    where op is "same", "del" or "add" and unchanged runs are cut to `context`
    lines around each change ("gap" marks the cut).
    """
    changes = []
    for key in DIFF_KEYS:
        before, after = _display(key, old), _display(key, new)
        if before == after:
            continue
        change = {"key": key, "label": LABELS.get(key, key), "short": key in SHORT_KEYS,
                  "old": before, "new": after, "lines": []}
        if key not in SHORT_KEYS:
            a, b = _as_lines(key, old.get(key)), _as_lines(key, new.get(key))
            matcher = difflib.SequenceMatcher(a=a, b=b, autojunk=False)
            for n, group in enumerate(matcher.get_grouped_opcodes(context)):
                if n:
                    change["lines"].append(("gap", "…"))
                for tag, i1, i2, j1, j2 in group:
                    if tag == "equal":
                        change["lines"].extend(("same", line) for line in a[i1:i2])
                        continue
                    change["lines"].extend(("del", line) for line in a[i1:i2])
                    change["lines"].extend(("add", line) for line in b[j1:j2])
        changes.append(change)
    return changes


def _display(key, snapshot):
    value = snapshot.get(key)
    if key in ("field", "unit", "form", "requested_level"):
        return snapshot.get(f"{key}_label") or value or ""
    if key in ("authors", "attachments"):
        return _as_lines(key, value)
    if key == "first_applied_on" and value:
        return date.fromisoformat(value).strftime("%d/%m/%Y")
    return "" if value is None else value
