"""Errors that services raise for refusals a user should read."""


class ServiceError(Exception):
    """An action that is not allowed now, with a message for the user (Bahasa Indonesia).

    ``details`` lists the specific problems (e.g. each unanswered indicator) when there are several.
    ``field`` names the part of the input refused, when it is one item of several (e.g.
    ``answers.3``: the fourth answer of a batch); the API reports it as a field error.
    ``errors`` lists every refused item as ``(field, message)`` when several items of one input
    were refused at once (the API reports each as a field error); empty otherwise.
    """

    def __init__(
        self,
        message: str,
        details: list[str] | None = None,
        *,
        field: str = "",
        errors: list[tuple[str, str]] | None = None,
    ):
        super().__init__(message)
        self.message = message
        self.details = list(details or [])
        self.field = field
        self.errors = list(errors or [])

    def __str__(self) -> str:
        if not self.details:
            return self.message
        return self.message + " " + "; ".join(self.details)


class StaleVersion(ServiceError):
    """A save based on an old version of a record: refused, nothing overwritten."""


class Locked(ServiceError):
    """The record is locked by the cycle's state or a deadline."""
