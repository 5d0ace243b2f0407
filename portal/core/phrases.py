"""Messages built by the plain rule modules (eligibility, scoring, validation), which have no Flask
in them and so cannot translate.

A `Phrase` is the Vietnamese text itself (a str: compared, searched, stored and written into
documents as such) that also carries its msgid and values, so that a page, an export or the
API shows it in the reader's language through `portal.core.i18n.translate`. Values may be
phrases themselves, or lists (shown joined by ", "). The msgids are in the catalogues like any
other (tests/core/test_phrases.py checks every `Phrase("…")` of the code has its translation).
"""


class Phrase(str):
    __slots__ = ("msgid", "values")

    def __new__(cls, msgid, **values):
        text = msgid % {name: plain(value) for name, value in values.items()} if values else msgid
        phrase = super().__new__(cls, text)
        phrase.msgid = msgid
        phrase.values = values
        return phrase

    def __reduce__(self):  # pickled (a cache, a queue) as what it says
        return (_rebuild, (self.msgid, self.values))


def _rebuild(msgid, values):
    return Phrase(msgid, **values)


def plain(value):
    """A value as the Vietnamese text shows it (a number that knows its Vietnamese form, in it)."""
    if isinstance(value, list | tuple):
        return getattr(value, "separator", ", ").join(plain(v) for v in value)
    if hasattr(value, "vietnamese"):
        return value.vietnamese()
    return value if isinstance(value, int | float) else str(value)


def render(value, gettext):
    """`value` with every phrase in it translated by `gettext(msgid)`: the one walk over a phrase."""
    if isinstance(value, Phrase):
        text = gettext(value.msgid) if value.msgid else ""  # gettext("") is the catalogue's header
        if value.values:
            text = text % {name: render(v, gettext) for name, v in value.values.items()}
        return text
    if isinstance(value, list | tuple):
        return getattr(value, "separator", ", ").join(render(v, gettext) for v in value)
    return value if isinstance(value, int | float) else str(value)


def label(msgid):
    """A label from a label map as a phrase (translated where it is shown)."""
    return Phrase(msgid)


class Listing(tuple):
    """Values shown one after another, joined by `separator` (", " or "; ")."""

    def __new__(cls, items, separator=", "):
        listing = super().__new__(cls, items)
        listing.separator = separator
        return listing


def to_data(value):
    """A phrase (with its values), a listing or a plain value as JSON data, so that a stored
    message is said in its reader's language when it is read (`from_data` gives it back)."""
    if isinstance(value, Phrase):
        return {"msgid": value.msgid, "values": {name: to_data(v) for name, v in value.values.items()}}
    if isinstance(value, list | tuple):
        return {"items": [to_data(v) for v in value], "separator": getattr(value, "separator", ", ")}
    if value is None or isinstance(value, bool | int | float):
        return value
    return str(value)


def from_data(data):
    """What `to_data` wrote, as phrases and listings again (plain text stays plain text)."""
    if isinstance(data, dict):
        if "msgid" in data:
            return Phrase(data["msgid"], **{name: from_data(v) for name, v in (data.get("values") or {}).items()})
        if "items" in data:
            return Listing([from_data(v) for v in data["items"]], data.get("separator", ", "))
    return "" if data is None else data
