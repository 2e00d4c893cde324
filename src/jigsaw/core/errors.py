"""Domain errors that every entry point maps the same way (404, 403, 422, 409).

Messages here reach users and logs: they must never carry personal data.
"""


class JigsawError(Exception):
    """Base class for errors raised by services and queries."""

    title = "Something went wrong"


class NotFound(JigsawError):
    """The record does not exist, or the actor may not know that it does (same answer)."""

    title = "Not found"

    def __init__(self, what: str = "record") -> None:
        super().__init__(f"{what} not found")
        self.what = what


class PermissionDenied(JigsawError):
    """The actor may not do this to a record they may otherwise see."""

    title = "Forbidden"


class Invalid(JigsawError):
    """Input broke a rule; ``errors`` maps each field to a message for the person fixing it."""

    title = "Check your answers"

    def __init__(self, errors: dict[str, str]) -> None:
        super().__init__("; ".join(f"{field}: {message}" for field, message in errors.items()))
        self.errors = errors


class Conflict(JigsawError):
    """The change clashes with the record's current state."""

    title = "Conflict"
