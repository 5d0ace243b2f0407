"""What text the portal accepts and writes: no control characters, no lone surrogates.

The one place for the rule, asked by every form (portal.core.forms.PortalForm), by the JSON
API's parser (portal.api.common) and, for data from before the rule, by the writers of XML
documents (DOCX, XLSX, Atom, sitemap), which must never fail on what is already stored.
Single-line text takes no control character at all; long texts (Markdown) keep tab and new
lines. Pure functions, no Flask.
"""
import re

from flask_babel import lazy_gettext as _l

# C0 controls, DEL and C1 controls; tab, line feed and carriage return are matched apart.
_CONTROL = re.compile(r"[\x00-\x08\x0b\x0c\x0e-\x1f\x7f-\x9f]")
_CONTROL_OR_SPACE = re.compile(r"[\x00-\x1f\x7f-\x9f]")
_SURROGATE = re.compile(r"[\ud800-\udfff]")
# What XML 1.0 cannot hold at all (lxml and openpyxl raise on it): C0 but tab, LF, CR;
# lone surrogates; U+FFFE and U+FFFF.
_NOT_XML = re.compile(r"[\x00-\x08\x0b\x0c\x0e-\x1f\ud800-\udfff\ufffe\uffff]")


def problem(value, *, multiline=False):
    """Why `value` (a str) is refused, as a message for the person; None when it is fine."""
    if _SURROGATE.search(value):
        return _l("Văn bản có ký tự không hợp lệ (mã UTF-16 lẻ). Vui lòng gõ lại hoặc dán lại từ "
                  "nguồn khác.")
    found = (_CONTROL if multiline else _CONTROL_OR_SPACE).search(value)
    if found:
        code = "%04X" % ord(found.group())
        return _l("Văn bản có ký tự điều khiển không in được (U+%(code)s), thường do dán từ tệp khác. "
                  "Vui lòng xóa ký tự đó và thử lại.", code=code)
    return None


def clean(value, *, multiline=False):
    """`value` without what `problem` refuses (single-line: tab and new lines become spaces)."""
    if value is None:
        return None
    value = _SURROGATE.sub("", value)
    if multiline:
        return _CONTROL.sub("", value)
    return _CONTROL.sub("", value.replace("\r\n", " ").replace("\n", " ").replace("\r", " ").replace("\t", " "))


def xml_safe(value):
    """`value` with the characters XML cannot hold removed (a writer's last line of defence)."""
    return _NOT_XML.sub("", value) if isinstance(value, str) else value
