"""Articles, their search terms and the calls they answered."""

from datetime import date, datetime

from sqlalchemy import CheckConstraint, Float, ForeignKey, Index, String, Text
from sqlalchemy.orm import Mapped, mapped_column

from app.db import Base


class KbArticle(Base):
    """One question and its answer, kept by the unit that owns the subject (a department, or
    a grid: a street's staff keep their street's articles and those of the grids below)."""

    __tablename__ = "kb_article"
    __table_args__ = (
        CheckConstraint(
            "(owner_department_id IS NULL) <> (owner_grid_id IS NULL)", name="one_owner"
        ),
        Index("ix_kb_article_owner_department_id", "owner_department_id"),
        Index("ix_kb_article_owner_grid_id", "owner_grid_id"),
        Index("ix_kb_article_review_date", "review_date"),
        # A search's count and mean length of the articles, read from this index alone.
        Index("ix_kb_article_retired_at_terms_weight", "retired_at", "terms_weight"),
    )

    id: Mapped[int] = mapped_column(primary_key=True)
    question: Mapped[str] = mapped_column(String(300))
    answer: Mapped[str] = mapped_column(Text)
    category_id: Mapped[int | None] = mapped_column(ForeignKey("category.id"), index=True)
    # Words an agent would search by, one per line.
    keywords: Mapped[str] = mapped_column(Text, default="", server_default="")
    owner_department_id: Mapped[int | None] = mapped_column(ForeignKey("department.id"))
    owner_grid_id: Mapped[int | None] = mapped_column(ForeignKey("grid.id"))
    # Local dates of the city: in force from `valid_from` to `valid_to` (both included).
    valid_from: Mapped[date]
    valid_to: Mapped[date | None]
    review_date: Mapped[date]
    # The weight of all its search terms (BM25's document length).
    terms_weight: Mapped[float] = mapped_column(Float, default=0.0, server_default="0")
    created_at: Mapped[datetime]
    updated_at: Mapped[datetime]
    # Set when withdrawn: no longer searched or cited; its citations keep it.
    retired_at: Mapped[datetime | None]


class KbArticleTerm(Base):
    """The inverted index, kept in the article's own transaction: every process searches the
    same committed terms, so no process holds a stale copy."""

    __tablename__ = "kb_article_term"
    __table_args__ = (Index("ix_kb_article_term_term_article_id", "term", "article_id", "weight"),)

    article_id: Mapped[int] = mapped_column(
        ForeignKey("kb_article.id", ondelete="CASCADE"), primary_key=True
    )
    term: Mapped[str] = mapped_column(String(64), primary_key=True)
    weight: Mapped[float] = mapped_column(Float)


class KbCitation(Base):
    """An article cited as the answer to a call (a ticket answered at once)."""

    __tablename__ = "kb_citation"
    __table_args__ = (Index("ix_kb_citation_article_id_cited_at", "article_id", "cited_at"),)

    id: Mapped[int] = mapped_column(primary_key=True)
    article_id: Mapped[int] = mapped_column(ForeignKey("kb_article.id"))
    ticket_id: Mapped[int | None] = mapped_column(ForeignKey("ticket.id"), index=True)
    cited_at: Mapped[datetime]
