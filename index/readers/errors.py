"""The one exception every reader raises for input it cannot turn into a meeting."""


class ReaderError(Exception):
    """A file could not be read as minutes; `reason` is a one-line, user-facing explanation."""

    def __init__(self, reason: str, path: str | None = None):
        super().__init__(reason)
        self.reason = reason
        self.path = path

    def __str__(self) -> str:
        return f"{self.path}: {self.reason}" if self.path else self.reason


class NotMinutes(ReaderError):
    """A readable file that is not minutes at all (a README, a note, JSON of something else), as opposed to
    minutes that are broken (truncated, scanned, malformed). The ingest lists it as skipped with this reason
    (broken minutes are failed, exit 1); a connector reads NotMinutes from a portal as a changed payload."""
