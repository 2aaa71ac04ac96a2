"""Bodies of the workflow actions: each asks for what its action needs, and no more."""

from typing import Annotated, Literal

from pydantic import ConfigDict, Field

from app.channels.schemas import PhotoList
from app.routing.schemas import UnitRefWrite
from app.schemas import Code, Description, Identifier, InputModel, Reason
from app.vocabulary import Satisfaction

FileId = Annotated[str, Field(pattern=r"^[0-9a-f]{64}$", description="An id from POST /files")]
FileList = Annotated[list[FileId], Field(max_length=9)]


class NoteBody(InputModel):
    note: Reason | None = None


class ReasonBody(InputModel):
    reason: Reason = Field(description="Why: it goes on the timeline.")


class NoteRequired(InputModel):
    note: Reason


class UnitsBody(InputModel):
    lead: UnitRefWrite = Field(description="The lead unit (zhuban).")
    assist_department_codes: Annotated[list[Code], Field(max_length=20)] = Field(
        default=[], description="Assisting departments (xieban)."
    )


class DispatchBody(UnitsBody):
    model_config = ConfigDict(
        json_schema_extra={
            "examples": [
                {
                    "lead": {"kind": "department", "code": "urban_management"},
                    "assist_department_codes": ["public_security"],
                    "note": "请城管牵头，公安配合",
                    "category_code": "0101",
                }
            ]
        }
    )

    note: Reason | None = None
    category_code: Code | None = Field(
        None,
        description="The ticket's category, for a ticket that has none yet (dispatch needs "
        "one) or to correct it on the way.",
    )


class TransferBody(UnitsBody):
    reason: Reason


class JointHandlingBody(UnitsBody):
    assist_department_codes: Annotated[list[Code], Field(min_length=1, max_length=20)]
    reason: Reason


class ReplyBody(InputModel):
    reply: Description = Field(description="What was done, as the citizen will read it.")
    photos: PhotoList = Field(
        default=[], description="Photos of what was done, uploaded to POST /photos first."
    )
    photos_public: bool = Field(
        True, description="Show the photos to the citizen with the reply (their own view)."
    )
    files: FileList = Field(
        default=[],
        description="Documents (PDF) of what was done, uploaded to POST /files first.",
    )
    files_public: bool = Field(
        True, description="Offer the files to the citizen with the reply (their own view)."
    )


class ReturnVisitBody(InputModel):
    satisfaction: Satisfaction
    solved: bool = Field(description="Whether the citizen says the problem is solved.")
    note: Reason | None = None
    photos: PhotoList = Field(default=[], description="Photos taken at the visit; staff only.")
    files: FileList = Field(default=[], description="Documents of the visit; staff only.")


class ProgressNoteBody(InputModel):
    """A progress note of a unit with a part in the ticket."""

    text: Description = Field(description="What was done or found.")
    public: bool = Field(
        False,
        description="The citizen reads it (and its photos and files) in their own view.",
    )
    photos: PhotoList = Field(default=[], description="Uploaded to POST /photos first.")
    files: FileList = Field(default=[], description="Uploaded to POST /files first.")
    part_done: bool = Field(
        False,
        description="An assisting unit's part of a joint handling is done (assisting units "
        "only); the lead unit sees it on the ticket.",
    )


class ExtensionRequestBody(InputModel):
    working_days: Annotated[int, Field(ge=1, le=60)]
    reason: Reason


class ExtensionDecisionBody(InputModel):
    approve: bool
    note: Reason | None = None


class InvalidateBody(InputModel):
    reason: Literal["harassment", "silence", "no_content", "test_call", "other"]
    note: Reason | None = None


class AnswerBody(InputModel):
    reply: Description = Field(description="The answer the agent gave during the call.")
    kb_article: Identifier | None = Field(
        None, description="The knowledge-base article the agent answered from, by its id."
    )
