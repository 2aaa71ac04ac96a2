"""Shared pydantic building blocks: strict input models, clean text, pages."""

from typing import Annotated, Generic, TypeVar

from pydantic import AfterValidator, BaseModel, ConfigDict, Field, StringConstraints


def _reject_nul(value: str) -> str:
    if "\x00" in value:
        raise ValueError("must not contain NUL (\\u0000) characters")
    return value


_NO_NUL = AfterValidator(_reject_nul)


def _bounded(max_length: int) -> StringConstraints:
    return StringConstraints(strip_whitespace=True, min_length=1, max_length=max_length)


Identifier = Annotated[str, _bounded(100), _NO_NUL]
Name = Annotated[str, _bounded(100), _NO_NUL]
Title = Annotated[str, _bounded(200), _NO_NUL]
Address = Annotated[str, _bounded(300), _NO_NUL]
Description = Annotated[str, _bounded(4000), _NO_NUL]
Reason = Annotated[str, _bounded(1000), _NO_NUL]
Phone = Annotated[
    str,
    StringConstraints(strip_whitespace=True, pattern=r"^\+?[0-9][0-9 -]{2,19}$"),
]

Code = Annotated[
    str,
    StringConstraints(
        strip_whitespace=True, min_length=1, max_length=64, pattern=r"^[0-9A-Za-z_.-]+$"
    ),
]


class InputModel(BaseModel):
    """Base of every request body: unknown fields are an error, not silently dropped."""

    model_config = ConfigDict(extra="forbid", str_strip_whitespace=True)


def refuse_cleared(model: BaseModel, *fields: str) -> None:
    """For a partial update: `fields` may be left out, not sent as null."""
    cleared = [
        name for name in fields if name in model.model_fields_set and getattr(model, name) is None
    ]
    if cleared:
        raise ValueError(f"{', '.join(cleared)} may be left out but not set to null")


class OutputModel(BaseModel):
    model_config = ConfigDict(from_attributes=True)


ItemT = TypeVar("ItemT")


class Page(BaseModel, Generic[ItemT]):
    """One page of a list; pass `next_cursor` back as `cursor` for the next one."""

    items: list[ItemT]
    next_cursor: Annotated[str | None, Field(description="Opaque; absent on the last page.")]
