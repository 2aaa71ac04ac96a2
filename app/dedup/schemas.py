"""Bodies of the dispatcher's merge and unmerge."""

from pydantic import Field

from app.schemas import InputModel, Reason


class MergeRequest(InputModel):
    parent_number: str = Field(
        min_length=1, max_length=20, description="The ticket this one reports again."
    )
    reason: Reason


class UnmergeRequest(InputModel):
    reason: Reason
