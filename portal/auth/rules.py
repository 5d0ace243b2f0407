"""Rules for account names and passwords: plain functions, the one place each rule lives.

The CLI (`create-user`), the admin form, the user import and the account page all ask
these, so a name or a password refused in one channel is refused in every other.
"""
import gzip
import re
from functools import lru_cache
from pathlib import Path

USERNAME_MAX = 64
# ASCII only, checked on the text as typed: "аdmin" (Cyrillic а), "ｔｈｕｋｙ" (fullwidth),
# "ksv.hùng" and the Kelvin sign "K" (which str.lower() turns into an ASCII k) are refused.
_USERNAME = re.compile(r"[A-Za-z0-9._-]{1,%d}" % USERNAME_MAX)
COMMON_PASSWORDS = Path(__file__).parent / "data" / "common-passwords.txt.gz"


def is_valid_username(raw):
    """True when `raw` (surrounding spaces aside) is 1–64 ASCII letters, digits, `.`, `_`, `-`."""
    return isinstance(raw, str) and _USERNAME.fullmatch(raw.strip()) is not None


def normalize_username(raw):
    """The stored form of a valid name: stripped and lower case."""
    return (raw or "").strip().lower()


@lru_cache(maxsize=1)
def common_passwords():
    """The bundled list of common passwords (lower case), read once per process."""
    with gzip.open(COMMON_PASSWORDS, "rt", encoding="utf-8") as f:
        return frozenset(line.strip() for line in f if line.strip())


def is_common_password(password):
    """In the list as typed, or once trailing digits and punctuation are dropped
    ("password2026!" is "password" with a year)."""
    lowered = password.strip().lower()
    words = common_passwords()
    if lowered in words:
        return True
    stem = lowered.rstrip("0123456789!@#$%^&*()-_=+.,;:?~ ")
    return len(stem) >= 4 and stem in words


def password_problem(password, username, minimum):
    """Why a new password is refused: "too_short", "repetitive", "contains_username",
    "common"; None when it is acceptable."""
    if not password or len(password) < minimum:
        return "too_short"
    if len(set(password.lower())) < 4:
        return "repetitive"
    name = normalize_username(username)
    if len(name) >= 3 and name in password.lower():
        return "contains_username"
    if is_common_password(password):
        return "common"
    return None
