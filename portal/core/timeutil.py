"""One notion of "now" for the whole portal: naive UTC datetimes in the database."""
from datetime import UTC, date, datetime


def utcnow():
    return datetime.now(UTC).replace(tzinfo=None)


def today():
    return date.today()
