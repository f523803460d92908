"""The errors the tools report as one line (no traceback)."""


class UsageError(Exception):
    """Bad arguments or bad data: the command prints `error: <message>` and exits with status 2."""
