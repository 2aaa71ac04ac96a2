"""Masking personal data (Personal Information Protection Law): 138****1234, 张*."""

import logging
import re
from typing import Any

# Mainland mobiles (11 digits from 1[3-9]) and landlines with area code, inside any text.
_PHONE_IN_TEXT = re.compile(r"(?<!\d)(\+?86[- ]?)?(1[3-9]\d|0\d{2,3}[- ]?)(\d{3,4})(\d{4})(?!\d)")
_NOT_DIGIT = re.compile(r"\D")


def mask_phone(phone: str | None) -> str | None:
    """Keep the first three and last four digits: 13812341234 -> 138****1234."""
    if phone is None:
        return None
    digits = _national(phone)
    if len(digits) < 7:
        return "*" * len(digits)
    return f"{digits[:3]}{'*' * (len(digits) - 7)}{digits[-4:]}"


def mask_name(name: str | None) -> str | None:
    """Keep the first character: 张三 -> 张*, 欧阳娜娜 -> 欧***."""
    if not name:
        return name
    return name[0] + "*" * max(1, len(name) - 1)


def mask_phones_in_text(text: str) -> str:
    return _PHONE_IN_TEXT.sub(lambda m: f"{m.group(2)[:3]}****{m.group(4)}", text)


def same_phone(left: str | None, right: str | None) -> bool:
    """Equal as numbers: spaces, dashes and a +86 prefix do not matter."""
    if not left or not right:
        return False
    return _national(left) == _national(right)


def national_phone(phone: str) -> str:
    """The number as same_phone compares it: national digits only."""
    return _national(phone)


def _national(phone: str) -> str:
    digits = _NOT_DIGIT.sub("", phone)
    return digits[2:] if digits.startswith("86") and len(digits) > 11 else digits


_masking_installed = False


def install_log_masking() -> None:
    """Mask phone numbers in every log record as it is made, whichever logger or handler
    (ours, uvicorn's access log, a library's) it goes to."""
    global _masking_installed
    if _masking_installed:  # once a process: other factories may wrap this one since
        return
    _masking_installed = True
    previous = logging.getLogRecordFactory()

    def make_record(*args: Any, **kwargs: Any) -> logging.LogRecord:
        record = previous(*args, **kwargs)
        try:
            message = record.getMessage()
        except (TypeError, ValueError):  # a malformed call: leave it to logging to report
            return record
        masked = mask_phones_in_text(message)
        if masked != message:
            record.msg, record.args = masked, None
        return record

    logging.setLogRecordFactory(make_record)
