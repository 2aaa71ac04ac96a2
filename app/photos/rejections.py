"""Why an upload is refused, whatever it is (a photo, a file): one status per reason, so
the router answers photos and files alike (415 unsupported type, 413 too large,
422 damaged)."""


class UploadRejected(Exception):
    """Base: the upload is not acceptable."""

    def __init__(self, reason: str) -> None:
        super().__init__(reason)
        self.reason = reason


class UnsupportedType(UploadRejected):
    """The bytes are not of a type this upload takes (answer 415)."""


class TooLarge(UploadRejected):
    """Too many bytes, or too many pixels (answer 413)."""


class Corrupt(UploadRejected):
    """The magic bytes name an accepted type, but the file is damaged (answer 422)."""
