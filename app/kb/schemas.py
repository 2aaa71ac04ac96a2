"""How knowledge-base articles look to API clients."""

from datetime import date
from typing import Annotated

from pydantic import Field, StringConstraints, model_validator

from app.schemas import Code, Description, InputModel, OutputModel, refuse_cleared

Question = Annotated[str, StringConstraints(strip_whitespace=True, min_length=1, max_length=300)]
Keyword = Annotated[str, StringConstraints(strip_whitespace=True, min_length=1, max_length=50)]
Keywords = Annotated[list[Keyword], Field(max_length=30)]
SearchText = Annotated[str, StringConstraints(strip_whitespace=True, min_length=1, max_length=300)]


class _DatesInOrder(InputModel):
    valid_from: date | None = None
    valid_to: date | None = None

    @model_validator(mode="after")
    def _in_order(self) -> "_DatesInOrder":
        if self.valid_from and self.valid_to and self.valid_to < self.valid_from:
            raise ValueError("valid_to must not come before valid_from")
        return self


class ArticleCreate(_DatesInOrder):
    question: Question = Field(description="The question as agents read it")
    answer: Description = Field(description="What the agent tells the caller")
    category_code: Code | None = Field(None, description="A category or a category group")
    keywords: Keywords = Field(default_factory=list, description="Words to find it by")
    owner_department: Code | None = Field(
        None, description="The department that keeps it (or owner_grid; unit staff: theirs)"
    )
    owner_grid: Code | None = Field(None, description="The grid whose staff keep it")
    valid_from: date | None = Field(None, description="In force from (local date); default today")
    valid_to: date | None = Field(None, description="In force until, included; null: no end")
    review_date: date | None = Field(
        None, description="When its owner must check it again; default a year from today"
    )

    @model_validator(mode="after")
    def _one_owner(self) -> "ArticleCreate":
        if self.owner_department and self.owner_grid:
            raise ValueError("name owner_department or owner_grid, not both")
        return self


class ArticleUpdate(_DatesInOrder):
    """Only the fields sent change; `null` clears valid_to or the category."""

    question: Question | None = None
    answer: Description | None = None
    category_code: Code | None = None
    keywords: Keywords | None = None
    owner_department: Code | None = None
    owner_grid: Code | None = None
    review_date: date | None = None

    @model_validator(mode="after")
    def _not_cleared(self) -> "ArticleUpdate":
        refuse_cleared(self, "question", "answer", "keywords", "valid_from", "review_date")
        if self.owner_department and self.owner_grid:
            raise ValueError("name owner_department or owner_grid, not both")
        return self


class UnitRef(OutputModel):
    code: str
    name: str


class ArticleRead(OutputModel):
    id: int
    question: str
    answer: str
    category_code: str | None
    category_name: str | None
    keywords: list[str]
    owner_department: UnitRef | None
    owner_grid: UnitRef | None
    valid_from: date
    valid_to: date | None
    review_date: date
    in_force: bool = Field(description="Valid today and not withdrawn: agents may cite it")
    due_for_review: bool = Field(
        description="Its review date has come: its owner must check it and set a new one"
    )
    may_edit: bool = Field(description="The caller keeps this article (its unit, or an admin)")
    citations: int = Field(description="Calls it answered")
    retired: bool


class ArticleHit(OutputModel):
    article: ArticleRead
    score: float = Field(description="Relevance; only the order means something")
