"""What an upload is: a photo (an image cleaned of its metadata) or a file (a PDF kept as
it came). Both live in one table, are stored, attached and shown the same way."""

from enum import StrEnum


class UploadKind(StrEnum):
    PHOTO = "photo"
    FILE = "file"
