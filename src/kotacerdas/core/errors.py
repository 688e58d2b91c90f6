"""Errors that services raise for refusals a user should read."""


class ServiceError(Exception):
    """An action that is not allowed now, with a message for the user (Bahasa Indonesia).

    ``details`` lists the specific problems (e.g. each unanswered indicator) when there are several.
    """

    def __init__(self, message: str, details: list[str] | None = None):
        super().__init__(message)
        self.message = message
        self.details = list(details or [])

    def __str__(self) -> str:
        if not self.details:
            return self.message
        return self.message + " " + "; ".join(self.details)


class StaleVersion(ServiceError):
    """A save based on an old version of a record: refused, nothing overwritten."""


class Locked(ServiceError):
    """The record is locked by the cycle's state or a deadline."""
