"""The domain: plain functions with explicit arguments (actor, now, ...).

They flush, never commit, and never touch flask.request or flask.session. A rule broken by the
caller raises `DomainError` carrying a message meant for the person at the screen.
"""


class DomainError(Exception):
    """A rule of the programme refused the request; `message` is shown to the user (translated).

    `keeps_writes`: the refusal's writes (a failure count) are committed, not rolled back.
    """

    keeps_writes = False

    def __init__(self, message: str, field: str | None = None):
        super().__init__(message)
        self.message = message
        self.field = field
