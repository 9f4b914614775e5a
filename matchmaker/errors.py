"""Domain errors raised by services; views and the API turn them into responses."""


class DomainError(Exception):
    """Base class; ``message`` is shown to the user (zh-CN), ``field`` names the form field."""

    status_code = 400

    def __init__(self, message: str, field: str | None = None):
        super().__init__(message)
        self.message = message
        self.field = field


class ValidationError(DomainError):
    status_code = 422


class NotFound(DomainError):
    status_code = 404


class Forbidden(DomainError):
    status_code = 403


class Conflict(DomainError):
    status_code = 409


class InvalidTransition(DomainError):
    status_code = 409
