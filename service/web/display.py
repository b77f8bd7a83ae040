"""How the web pages write times: Beijing time in Chinese (2026年12月6日 13:05), from datetimes or ISO strings."""

from __future__ import annotations

from datetime import UTC, datetime, timedelta, timezone

# China keeps one time zone without daylight saving, so a fixed offset is exact (and needs no tz database).
BEIJING = timezone(timedelta(hours=8), "北京时间")


def local_time(value: datetime | str | None, seconds: bool = False) -> str:
    """A stored moment as a reviewer reads it; naive datetimes are UTC (SQLite hands them back so).
    An empty value is "—"; a string that is not an ISO time is shown as it is."""
    if value is None or value == "":
        return "—"
    if isinstance(value, str):
        try:
            value = datetime.fromisoformat(value)
        except ValueError:
            return value
    moment = (value if value.tzinfo else value.replace(tzinfo=UTC)).astimezone(BEIJING)
    text = f"{moment.year}年{moment.month}月{moment.day}日 {moment:%H:%M}"
    return f"{text}:{moment:%S}" if seconds else text
