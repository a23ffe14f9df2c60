"""Domain operations. They add and flush; the request (or CLI command) commits once."""


class ServiceError(Exception):
    """A rule of the domain refused the operation; the message is Indonesian, fit for a user."""

    def __init__(self, message: str, *, field: str | None = None, errors: dict | None = None):
        super().__init__(message)
        self.message = message
        self.field = field
        self.errors = errors or ({field: [message]} if field else {})


class StaleError(ServiceError):
    """Someone saved a newer version of the record since the form was opened."""

    def __init__(self, current=None):
        super().__init__(
            "Data ini telah diubah oleh pengguna lain sejak Anda membukanya. "
            "Perubahan Anda tidak disimpan; periksa nilai terbaru di bawah ini."
        )
        self.current = current


class LockedError(ServiceError):
    """The figures rest on a verified quarter; only the secretariat can reopen it."""
