"""The demo city's knowledge base (`kb_articles.json`), written through the service the API
uses, as its administrator would."""

import json
from datetime import date
from pathlib import Path
from typing import Any

from sqlalchemy.orm import Session

from app.identity.principal import StaffPrincipal
from app.identity.roles import Role
from app.kb import service as kb_service
from app.kb.schemas import ArticleCreate

ARTICLES_FILE = Path(__file__).with_name("kb_articles.json")
DEMO_VALID_FROM = date(2026, 1, 1)
DEMO_REVIEW_DATE = date(2027, 6, 30)
_LOADER = StaffPrincipal(user_id=0, username="demo", role=Role.ADMIN)


def demo_articles() -> list[dict[str, Any]]:
    articles: list[dict[str, Any]] = json.loads(ARTICLES_FILE.read_text(encoding="utf-8"))[
        "articles"
    ]
    return articles


def seed_demo_knowledge(session: Session, today: date) -> dict[str, int]:
    """Every demo article, in force since 2026-01-01; each article's key with its id."""
    ids: dict[str, int] = {}
    for entry in demo_articles():
        body = ArticleCreate(
            question=entry["question"],
            answer=entry["answer"],
            category_code=entry.get("category"),
            keywords=entry["keywords"],
            owner_department=entry.get("owner_department"),
            owner_grid=entry.get("owner_grid"),
            valid_from=DEMO_VALID_FROM,
            review_date=date.fromisoformat(entry.get("review_date", DEMO_REVIEW_DATE.isoformat())),
        )
        ids[entry["key"]] = kb_service.create_article(session, _LOADER, body, today).id
    return ids
