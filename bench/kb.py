"""`python -m bench kb`: how well the knowledge base finds the article that answers a
caller's question, and what a search costs with many articles.

One database (`hotline migrate`, `hotline seed-demo`: the demo city's articles), then:
- quality: every labelled question of tests/kb/questions.py searched as an agent searches
  (articles in force, the first three shown); hit@1 and hit@3 for the tuning part and the
  held-out part (never tuned against);
- speed: `--articles` more articles written through the service (the demo articles'
  sentences and keywords recombined: every word is held by a hundred times more articles
  than in a real base, a pessimistic load), the tables analyzed, then every question
  searched again, in process; the search's mean and p95 against a scan of the article table for one
  word (LIKE), the ceiling a search must stay well under, measured in the same run.
"""

import argparse
import random
import statistics
import sys
import tempfile
import time
from datetime import date
from pathlib import Path

from sqlalchemy import func, select
from sqlalchemy.engine import Engine
from sqlalchemy.orm import Session

from app.config import Settings
from app.db import create_db_engine
from app.demo.knowledge import demo_articles
from app.identity.principal import StaffPrincipal
from app.identity.roles import Role
from app.kb import search as kb_search
from app.kb import service as kb_service
from app.kb.models import KbArticle
from app.kb.schemas import ArticleCreate
from bench import harness
from tests.kb.questions import HELD_OUT, TUNING, Quality, measure

TODAY = date(2026, 12, 7)
STREETS = ("潭城街道", "水南街道", "东门街道", "书坊街道", "溪东街道", "莒口镇", "将口镇")
_WRITER = StaffPrincipal(user_id=0, username="bench", role=Role.ADMIN)


def add_parser(commands: "argparse._SubParsersAction[argparse.ArgumentParser]") -> None:
    parser = commands.add_parser(
        "kb", help="knowledge-base search: hit@1 and hit@3 of labelled questions; its speed"
    )
    harness.add_database_arguments(parser)
    parser.add_argument(
        "--articles", type=int, default=10_000, help="articles added for the speed part"
    )
    parser.set_defaults(run=run)


def log(message: str) -> None:
    print(f"[bench kb] {message}", file=sys.stderr, flush=True)


def _ids(session: Session) -> dict[str, int]:
    by_question = {
        question: i for i, question in session.execute(select(KbArticle.id, KbArticle.question))
    }
    return {entry["key"]: by_question[entry["question"]] for entry in demo_articles()}


def _line(name: str, quality: Quality) -> str:
    return (
        f"{name:<9} questions {quality.questions:>4}  hit@1 {quality.hit_at_1:.3f}  "
        f"hit@3 {quality.hit_at_3:.3f}"
    )


def _add_articles(session: Session, count: int) -> None:
    """`count` articles made of the demo articles' sentences and keywords, recombined."""
    rng = random.Random(12345)
    sources = demo_articles()
    for number in range(count):
        first, second = rng.sample(sources, 2)
        sentences = [s for s in second["answer"].split("。") if s]
        body = ArticleCreate(
            question=f"{rng.choice(STREETS)}{first['question'][:-1]}（{number}）？",
            answer=first["answer"] + rng.choice(sentences) + "。",
            category_code=first.get("category"),
            keywords=[*first["keywords"][:2], rng.choice(second["keywords"])],
            owner_department=first.get("owner_department"),
            owner_grid=first.get("owner_grid"),
            valid_from=date(2026, 1, 1),
        )
        kb_service.create_article(session, _WRITER, body, TODAY)
        if number % 1000 == 999:
            session.flush()
            log(f"  {number + 1} articles written")


def _analyze(engine: Engine) -> None:
    """Statistics of the loaded tables, as autovacuum (or SQLite's `PRAGMA optimize`) would
    have them after a bulk load: without them PostgreSQL's planner takes the 10,000 articles
    for a handful and walks them all."""
    with engine.connect().execution_options(isolation_level="AUTOCOMMIT") as connection:
        if connection.dialect.name == "postgresql":
            connection.exec_driver_sql("VACUUM ANALYZE kb_article, kb_article_term")
        else:
            connection.exec_driver_sql("ANALYZE")


def _timed_searches(session: Session, texts: list[str]) -> list[float]:
    timings = []
    filters = kb_service.ArticleFilters(in_force=True)
    for text in texts:
        started = time.perf_counter()
        kb_search.search(session, text, TODAY, filters, limit=10)
        timings.append((time.perf_counter() - started) * 1000)
    return timings


def _timed_scans(session: Session, words: list[str]) -> list[float]:
    timings = []
    for word in words:
        started = time.perf_counter()
        session.scalar(
            select(func.count()).where(
                KbArticle.answer.like(f"%{word}%") | KbArticle.question.like(f"%{word}%")
            )
        )
        timings.append((time.perf_counter() - started) * 1000)
    return timings


def _p95(values: list[float]) -> float:
    return statistics.quantiles(values, n=20)[-1]


def run(arguments: argparse.Namespace) -> int:
    with tempfile.TemporaryDirectory(prefix="bench-kb-") as workdir:
        url = harness.fresh_database(
            arguments.db, "bench_kb", Path(workdir), arguments.postgres_url
        )
        try:
            log("migrate and seed the demo city")
            harness.migrate_and_seed(url)
            engine = create_db_engine(Settings(database_url=url))
            with Session(engine) as session:
                ids = _ids(session)
                print(f"quality ({len(ids)} demo articles, {arguments.db}):")
                tuning = measure(session, TUNING, ids, TODAY)
                held_out = measure(session, HELD_OUT, ids, TODAY)
                print(_line("tuning", tuning))
                print(_line("held-out", held_out))

                log(f"write {arguments.articles} more articles")
                started = time.perf_counter()
                _add_articles(session, arguments.articles)
                session.commit()
                write_s = time.perf_counter() - started
                _analyze(engine)
                total = session.scalar(select(func.count()).select_from(KbArticle))
                texts = [question.text for question in (*TUNING, *HELD_OUT)]
                _timed_searches(session, texts[:20])  # warm the caches and the segmenter
                searches = _timed_searches(session, texts)
                scans = _timed_scans(session, ["停水", "社保", "物业", "身份证", "营业执照"] * 4)
            engine.dispose()
        finally:
            harness.drop_database(arguments.db, url, arguments.postgres_url)
    print(f"speed ({total} articles, {arguments.db}):")
    print(f"  writing: {write_s / arguments.articles * 1000:.2f} ms an article (indexed)")
    mean, scan = statistics.mean(searches), statistics.mean(scans)
    print(
        f"  search:  mean {mean:.2f} ms, p95 {_p95(searches):.2f} ms over {len(searches)} questions"
    )
    print(f"  ceiling: one LIKE scan of the articles, mean {scan:.2f} ms")
    print(
        f"kb heldout_hit1={held_out.hit_at_1:.3f} heldout_hit3={held_out.hit_at_3:.3f} "
        f"tuning_hit1={tuning.hit_at_1:.3f} tuning_hit3={tuning.hit_at_3:.3f} "
        f"articles={total} search_ms={mean:.1f} p95_ms={_p95(searches):.1f} "
        f"ratio_to_scan={mean / scan:.2f}"
    )
    return 0
