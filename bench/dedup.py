"""`python -m bench dedup`: what duplicate detection adds to intake with a million tickets in
the table, and how well it tells duplicates from look-alikes.

One database (`hotline migrate`, `hotline seed-demo`), then three parts one after the other, so
that they do not share the machine:
- quality: every pair of tests/dedup/pairs.py scored with app.dedup.scoring.match;
  precision and recall at the flag and the merge score, for the whole set, its tuning half
  (where tools/fit_dedup.py fitted the weights and chose the scores), its held-out half, and
  the held-out pairs where one report has only an address.
- detection: `--tickets` tickets spread over the demo city, created over the last year (those
  of the last 30 days open, with the places and words intake keeps for them, `match_keys`),
  then app.dedup.service.find (its one candidate query, and the scoring) timed in process for
  `--sample` new tickets from the same spread. EXPLAIN must show the candidate query searching
  the geo-cell or caller index: a scan fails the run.
- intake: the real service on that database under wrk, hotline calls with a point, a category
  and a caller's number. `share_of_intake` is find's mean time per ticket over intake's server
  CPU per 2xx answer.
"""

import argparse
import json
import math
import os
import random
import re
import secrets
import sqlite3
import statistics
import sys
import tempfile
import time
from collections.abc import Callable, Iterator, Mapping, Sequence
from concurrent.futures import ThreadPoolExecutor
from contextlib import ExitStack, contextmanager
from dataclasses import dataclass
from datetime import datetime, timedelta
from pathlib import Path
from typing import Any

import psycopg
from sqlalchemy import (
    BigInteger,
    Select,
    String,
    Table,
    bindparam,
    case,
    cast,
    func,
    insert,
    literal,
    or_,
    select,
    text,
    type_coerce,
)
from sqlalchemy.engine import Connection, Engine
from sqlalchemy.orm import Session
from sqlalchemy.sql.elements import ColumnElement

from app import driver_sql
from app.channels.normalise import TITLE_FROM_DESCRIPTION_CHARS
from app.clock import utc_now
from app.config import Settings
from app.db import create_db_engine, create_session_factory
from app.dedup import cells
from app.dedup import service as dedup_service
from app.dedup.gazetteer import segmenter_of
from app.dedup.scoring import Scorer, match
from app.dedup.service import dedup_settings
from app.dedup.similarity import keys_for_matching, normalised, text_for_matching
from app.dedup.words import load_vocabulary
from app.demo.city import CENTRE_LAT, CENTRE_LON
from app.geo.distance import metres_between
from app.routing.service import CategoryInfo, load_snapshot
from app.tickets.models import Ticket, TicketEvent
from app.vocabulary import Channel, EventKind, Priority, RequestType, TicketStatus
from bench import harness
from bench.harness import Backend, Server, WrkRun
from bench.intake import channel_keys
from bench.sla import (
    CHUNK_ROWS,
    WARMUP_SECONDS,
    WRK_THREADS,
    LoadMeasurement,
    RequestKind,
)
from tests.dedup.pairs import HELD_OUT, TUNING, Pair, Taxonomy, as_scored, demo_gazetteer

DATABASE = "hotline_bench_dedup"
SHARE_TARGET = 0.10
API = "/api/v1"
TICKETS: Table = Ticket.__table__  # type: ignore[assignment]
EVENTS: Table = TicketEvent.__table__  # type: ignore[assignment]
DEDUP_INDEXES = ("ix_ticket_geo_cell_created_at", "ix_ticket_reporter_phone_created_at")

# --- the tickets: where, when, what ------------------------------------------------------------

# Tickets lie evenly in a square this far each way from the demo centre: 14 km by 14 km, about
# 200 km^2 of the district, every point north and east of 0 (so truncating is flooring).
HALF_SIDE_M = 7_000.0
_METRES_PER_DEGREE = 6_371_008.8 * math.pi / 180
LAT_SPAN = 2 * HALF_SIDE_M / _METRES_PER_DEGREE
LON_SPAN = 2 * HALF_SIDE_M / (_METRES_PER_DEGREE * math.cos(math.radians(CENTRE_LAT)))
SOUTH = CENTRE_LAT - LAT_SPAN / 2
WEST = CENTRE_LON - LON_SPAN / 2
# Created over the last year, as a city's table holds them, the oldest an hour inside it
# and the newest a minute ago; those older than the search window (30 days) are closed.
POPULATION_DAYS = 365
WINDOW_DAYS = 30
OLDEST_MARGIN = timedelta(hours=1)
NEWEST_MARGIN = timedelta(minutes=1)
# Share of the tickets with a caller's number, and how many numbers there are: a number is
# on 0.6 earlier tickets on average, so about 45% of new callers have called before.
PHONE_PERCENT = 60
PHONE_POOL = 1_000_000
HOUSE_NUMBERS = 300

OPENERS = ("来电人反映：", "市民来电称，", "网格员巡查发现，", "")
ROADS = (
    "建安大道", "府前路", "解放路", "人民路", "滨江路", "东门路", "紫阳路", "和平街",
    "水南大道", "书坊路", "溪东路", "长安路", "新华路", "朝阳路", "文化路",
)  # fmt: skip
PLACES = (
    "小区北门", "菜市场门口", "公交站旁", "幼儿园对面", "十字路口", "商业街", "老旧小区",
    "社区服务中心旁",
)  # fmt: skip
# Two problems for each category group, in the order of the demo taxonomy ("01" to "10").
PROBLEMS = (
    (
        "路灯坏了好几盏，晚上一片漆黑，行人和电动车经过很危险",
        "垃圾桶满了好几天没人清运，气味很大，招了很多苍蝇",
    ),
    (
        "工地夜间施工噪音很大，凌晨还在打桩，吵得睡不着觉",
        "烧烤店油烟直排，楼上住户窗户都不敢开",
    ),
    (
        "超市在卖过期食品，买回家才发现已经过期半个月",
        "店铺标价和实际收费不一致，多收了钱还不肯退",
    ),
    (
        "工地老板拖欠工人三个月工资，一直找借口不给",
        "公司没有给员工缴纳社保，离职时才发现",
    ),
    (
        "路边违规停车严重，早晚高峰堵得走不动",
        "红绿灯坏了，路口车辆乱成一团，很容易出事故",
    ),
    (
        "整栋楼停水一天了，没有任何通知",
        "小区这个月频繁停电，冰箱里的东西都坏了",
    ),
    (
        "楼道里堆满杂物和电动车，存在很大的火灾隐患",
        "老房子外墙开裂，墙皮不断往下掉，担心砸到人",
    ),
    (
        "小区电梯经常困人，物业一直说在修但没修好",
        "物业不作为，绿化带被人占用种菜也不管",
    ),
    (
        "培训机构在学校附近违规招生补课，收费很高",
        "社区医院排队时间太长，医生态度也不好",
    ),
    (
        "楼上住户经常高空抛物，楼下停的车被砸坏了",
        "邻居家的狗整夜叫个不停，沟通多次没有效果",
    ),
)
CLOSINGS = (
    "希望相关部门尽快处理。",
    "已经反映过一次了还没人管。",
    "请尽快派人来看看。",
    "影响周边居民正常生活。",
    "要求给个说法。",
)
GROUPS = len(PROBLEMS)
LEAVES_PER_GROUP = 5
# Open statuses, out of 20: most tickets wait at a unit.
STATUS_MIX = (
    (2, TicketStatus.NEW),
    (3, TicketStatus.RETURNED),
    (6, TicketStatus.DISPATCHED),
    (15, TicketStatus.SIGNED),
    (16, TicketStatus.SUSPENDED),
    (20, TicketStatus.REPLIED),
)
# Channels, out of 20, as bench/wrk/intake.lua mixes them.
CHANNEL_MIX = (
    (9, Channel.HOTLINE_12345),
    (11, Channel.MINSHENG_110),
    (14, Channel.PHOTO_REPORT),
    (16, Channel.QR_CODE),
    (18, Channel.GRID_PATROL),
    (20, Channel.WEB),
)

# --- the measurements ---------------------------------------------------------------------------

GEO_CELL_CHECKS = 5_000
DETECTION_WARMUP = 50
NEIGHBOURHOOD_CHECKS = 50
INTAKE_BODIES = 20_000
WARMUP_BODIES = 5_000
SAMPLE_SEED = 20261123
WARMUP_SEED = 1
BODIES_SEED = 2


def add_parser(commands: "argparse._SubParsersAction[argparse.ArgumentParser]") -> None:
    parser = commands.add_parser(
        "dedup", help="duplicate detection's share of intake at 1M tickets; precision and recall"
    )
    harness.add_database_arguments(parser)
    harness.add_load_arguments(parser, duration=10)
    parser.add_argument("--tickets", type=int, default=1_000_000, help="open tickets in the table")
    parser.add_argument(
        "--sample", type=int, default=1000, help="new tickets find() is timed for, in process"
    )
    parser.add_argument(
        "--quality-only",
        action="store_true",
        help="score the labelled pairs only (no tickets, no timing, no intake); its last line "
        "is `dedup quality ...`, not the contract line",
    )
    parser.set_defaults(run=run)


def log(message: str) -> None:
    # Progress goes to stderr: stdout is the table and the contract line.
    print(f"[bench dedup] {message}", file=sys.stderr, flush=True)


def _timed_ms(started: float) -> float:
    return (time.perf_counter() - started) * 1000


def _verdict(met: bool) -> str:
    return "met" if met else "NOT MET"


def category_code(group: int, leaf: int) -> str:
    return f"{group + 1:02d}{leaf + 1:02d}"


def describe(opener: str, road: str, number: int, place: str, problem: str, closing: str) -> str:
    """A call summary as an agent types it; the SQL population builds the same sentence."""
    return f"{opener}{road}{number}号{place}，{problem}，{closing}"


# --- new tickets, in Python -------------------------------------------------------------------


@dataclass(frozen=True)
class NewReport:
    """A new hotline call as intake sees it: where, what, and who called."""

    lat: float
    lon: float
    category_code: str
    description: str
    address: str
    phone: str


def new_reports(count: int, seed: int) -> list[NewReport]:
    """`count` calls spread as the populated tickets are, each with a caller's number from the
    same pool."""
    rng = random.Random(seed)
    reports = []
    for _ in range(count):
        group = rng.randrange(GROUPS)
        road = rng.choice(ROADS)
        number = rng.randint(1, HOUSE_NUMBERS)
        problem = rng.choice(PROBLEMS[group])
        reports.append(
            NewReport(
                lat=round(SOUTH + rng.random() * LAT_SPAN, 6),
                lon=round(WEST + rng.random() * LON_SPAN, 6),
                category_code=category_code(group, rng.randrange(LEAVES_PER_GROUP)),
                description=describe(
                    rng.choice(OPENERS),
                    road,
                    number,
                    rng.choice(PLACES),
                    problem,
                    rng.choice(CLOSINGS),
                ),
                address=f"{road}{number}号",
                phone=f"139{10_000_000 + rng.randrange(PHONE_POOL)}",
            )
        )
    return reports


# --- the population, in SQL -------------------------------------------------------------------


@dataclass(frozen=True)
class Population:
    tickets: int
    now: datetime

    @property
    def oldest(self) -> datetime:
        return self.now - timedelta(days=POPULATION_DAYS) + OLDEST_MARGIN

    @property
    def span_s(self) -> int:
        return int((self.now - NEWEST_MARGIN - self.oldest).total_seconds())


def _mixed(n: ColumnElement[int], multiplier: int) -> ColumnElement[int]:
    """A Weyl sequence over n: 32 bits that look random, and differ with `multiplier`."""
    return (n * multiplier) % 2**32


def _choice(n: ColumnElement[int], multiplier: int, count: int) -> ColumnElement[int]:
    """0 .. count - 1, from the sequence's middle bits (the low ones repeat with short periods)."""
    return _mixed(n, multiplier) // 2**16 % count


def _unit(n: ColumnElement[int], multiplier: int) -> ColumnElement[Any]:
    return _mixed(n, multiplier) * (1.0 / 2**32)


def _pick(options: Sequence[str], index: ColumnElement[int]) -> ColumnElement[str]:
    return type_coerce(case(dict(enumerate(options)), value=index), String)


def _bucketed(bucket: ColumnElement[int], mix: Sequence[tuple[int, str]]) -> ColumnElement[str]:
    *whens, (_, last) = mix
    return case(*((bucket < bound, literal(value)) for bound, value in whens), else_=literal(last))


def _floor(value: ColumnElement[Any], dialect: str) -> ColumnElement[int]:
    # SQLite's floor() needs its math functions compiled in; its CAST truncates, which floors
    # every coordinate here (all positive). PostgreSQL's CAST would round.
    if dialect == "sqlite":
        return cast(value, BigInteger)
    return cast(func.floor(value), BigInteger)


def _created_at(seconds: ColumnElement[int], dialect: str) -> ColumnElement[Any]:
    """A UNIX time as the created_at column stores it."""
    if dialect == "sqlite":
        # SQLAlchemy's text for a datetime on SQLite: UTC, microseconds, no zone.
        stamp = type_coerce(func.strftime("%Y-%m-%d %H:%M:%S", seconds, "unixepoch"), String)
        return stamp + literal(".000000")
    return func.to_timestamp(seconds)


@dataclass(frozen=True)
class GeneratedTickets:
    """The columns of tickets made in SQL, and the generated values they come from (`n`,
    `created_at`, `status`, ...), for a benchmark that adds columns of its own."""

    columns: dict[str, ColumnElement[Any]]
    generated: Any  # the subquery's columns

    def insert(self, connection: Connection) -> None:
        rows = select(*(value.label(name) for name, value in self.columns.items()))
        connection.execute(insert(TICKETS).from_select(list(self.columns), rows))


def _insert_tickets(
    connection: Connection,
    population: Population,
    category_ids: dict[str, int],
    first: int,
    last: int,
) -> None:
    generated_tickets(connection.dialect.name, population, category_ids, first, last).insert(
        connection
    )


def generated_tickets(
    dialect: str,
    population: Population,
    category_ids: dict[str, int],
    first: int,
    last: int,
) -> GeneratedTickets:
    """Tickets numbered first..last: spread evenly over the square and the year, open in
    the last 30 days and closed before,
    each with a call summary of its category group, six in ten with a caller's number."""
    n = cast(harness.numbers(first, last).c.i, BigInteger)
    group = _choice(n, 2654435769, GROUPS)
    leaf = _choice(n, 2246822519, LEAVES_PER_GROUP)
    road = _choice(n, 3266489917, len(ROADS))
    house = _choice(n, 668265263, HOUSE_NUMBERS) + 1
    address = _pick(ROADS, road) + cast(house, String) + literal("号")
    opener = _choice(n, 374761393, len(OPENERS))
    place = _choice(n, 3432918353, len(PLACES))
    problem = group * 2 + _choice(n, 1540483477, 2)
    closing = _choice(n, 2869860233, len(CLOSINGS))
    problems = [problem for pair in PROBLEMS for problem in pair]
    description = (
        _pick(OPENERS, opener)
        + address
        + _pick(PLACES, place)
        + literal("，")
        + _pick(problems, problem)
        + literal("，")
        + _pick(CLOSINGS, closing)
    )
    # The same, normalised piece by piece (the house number goes, as digits do): checked
    # against app.dedup.similarity.text_for_matching on a sample afterwards.
    match_text = (
        _pick([normalised(o) for o in OPENERS], opener)
        + _pick([normalised(f"{r}号") for r in ROADS], road)
        + _pick([normalised(p) for p in PLACES], place)
        + _pick([normalised(p) for p in problems], problem)
        + _pick([normalised(c) for c in CLOSINGS], closing)
    )
    codes = {
        g * LEAVES_PER_GROUP + leaf: category_ids[category_code(g, leaf)]
        for g in range(GROUPS)
        for leaf in range(LEAVES_PER_GROUP)
    }
    phone = case(
        (
            _choice(n, 2471271197, 100) < PHONE_PERCENT,
            literal("139") + cast(10_000_000 + _mixed(n, 3812015801) // 16 % PHONE_POOL, String),
        ),
        else_=None,
    )
    epoch = int(population.oldest.timestamp())
    window_start = int((population.now - timedelta(days=WINDOW_DAYS)).timestamp())
    created = _created_at(epoch + n * population.span_s // population.tickets, dialect)
    generated = select(
        n.label("n"),
        (SOUTH + _unit(n, 3242174889) * LAT_SPAN).label("lat"),  # the R2 sequence's two
        (WEST + _unit(n, 2447445413) * LON_SPAN).label("lon"),  # multipliers: an even spread
        case(codes, value=group * LEAVES_PER_GROUP + leaf).label("category_id"),
        description.label("description"),
        match_text.label("match_text"),
        address.label("address"),
        phone.label("phone"),
        _bucketed(_choice(n, 1103515245, 20), CHANNEL_MIX).label("channel"),
        _bucketed(_choice(n, 1664525013, 20), STATUS_MIX).label("status"),
        created.label("created_at"),
    ).subquery("generated")
    g = generated.c
    columns: dict[str, ColumnElement[Any]] = {
        "number": literal("D") + cast(g.n, String),
        "channel": g.channel,
        "request_type": literal(RequestType.COMPLAINT.value),
        "category_id": g.category_id,
        "priority": literal(Priority.NORMAL.value),
        "title": func.substr(g.description, 1, TITLE_FROM_DESCRIPTION_CHARS),
        "description": g.description,
        "match_text": g.match_text,
        "reporter_phone": g.phone,
        "is_anonymous": literal(False),
        "is_confidential": literal(False),
        "lat": g.lat,
        "lon": g.lon,
        "source_lat": g.lat,
        "source_lon": g.lon,
        "source_crs": literal("wgs84"),
        # Exactly app/dedup/cells.py's cell_of: checked on a sample afterwards.
        "geo_cell": _floor(g.lat / cells.CELL_DEGREES, dialect) * cells.CELL_ROW
        + _floor(g.lon / cells.CELL_DEGREES, dialect),
        "address": g.address,
        "status": case(
            (g.created_at < _created_at(literal(window_start), dialect), literal("closed")),
            else_=g.status,
        ),
        "version": literal(1),
        "tracking_code": cast(g.n, String),
        "channel_data": literal({}, TICKETS.c.channel_data.type),
        "created_at": g.created_at,
        "updated_at": g.created_at,
    }
    return GeneratedTickets(columns, g)


def populate(engine: Engine, population: Population, category_ids: dict[str, int]) -> None:
    """Insert the tickets in committed chunks, with progress on stderr."""
    started = time.perf_counter()
    for first in range(1, population.tickets + 1, CHUNK_ROWS):
        last = min(first + CHUNK_ROWS - 1, population.tickets)
        with engine.begin() as connection:
            _insert_tickets(connection, population, category_ids, first, last)
        log(
            f"populated {last:,} / {population.tickets:,} tickets "
            f"({time.perf_counter() - started:.1f} s)"
        )


def analyze(engine: Engine) -> None:
    """Planner statistics and, on PostgreSQL, a vacuumed table: as autovacuum would leave it,
    and so that it does not start in the middle of a measurement."""
    if engine.dialect.name == "postgresql":
        with engine.connect().execution_options(isolation_level="AUTOCOMMIT") as connection:
            connection.execute(text("VACUUM ANALYZE ticket"))
    else:
        with engine.begin() as connection:
            connection.execute(text("ANALYZE"))


@dataclass(frozen=True)
class PopulationCheck:
    checked: int
    wrong_cells: int
    wrong_texts: int
    keys_checked: int  # the sample's tickets of the window
    wrong_keys: int
    oldest: datetime
    newest: datetime
    with_phone: int
    statuses: dict[str, int]

    def failures(self, population: Population) -> list[str]:
        found = []
        if self.wrong_cells:
            found.append(f"{self.wrong_cells} of {self.checked} geo_cells differ from cell_of")
        if self.wrong_texts:
            found.append(
                f"{self.wrong_texts} of {self.checked} match_texts differ from text_for_matching"
            )
        if self.wrong_keys or not self.keys_checked:
            found.append(
                f"{self.wrong_keys} of {self.keys_checked} match_keys of the window differ from "
                "keys_for_matching"
            )
        window = population.now - timedelta(days=POPULATION_DAYS)
        if not window < self.oldest <= self.newest < population.now:
            found.append(
                f"created_at from {self.oldest} to {self.newest}: "
                f"not the last {POPULATION_DAYS} days"
            )
        return found


# --- the window's keys, in Python ------------------------------------------------------------

KEYS_CHUNK = 10_000


def intake_keys(categories: dict[str, CategoryInfo]) -> Callable[[str, str, str | None], str]:
    """A ticket's `match_keys` from its title, description and address, as intake works them
    out: the demo gazetteer, the problem words, the segmenter with their names."""
    gazetteer, vocabulary = demo_gazetteer(), load_vocabulary()
    segmenter = segmenter_of(gazetteer, categories)
    return lambda title, description, address: keys_for_matching(
        title, description, address, gazetteer, vocabulary, segmenter
    )


def searched_since(population: Population) -> datetime:
    return population.now - timedelta(days=WINDOW_DAYS)


def populate_keys(
    engine: Engine, population: Population, categories: dict[str, CategoryInfo]
) -> int:
    """Every ticket a search can read (created in the window) gets the places and words
    intake would keep for it: the SQL that made the texts has no segmenter. The older
    ones keep none, as tickets taken in before `match_keys` existed. Answers how many."""
    keys_of = intake_keys(categories)
    t = TICKETS.c
    written = 0
    with engine.connect() as connection:
        first, last = connection.execute(
            select(func.min(t.id), func.max(t.id)).where(t.created_at >= searched_since(population))
        ).one()
    update = (
        TICKETS.update().where(t.id == bindparam("ticket_id")).values(match_keys=bindparam("keys"))
    )
    for start in range(first, last + 1, KEYS_CHUNK):
        with engine.begin() as connection:
            rows = connection.execute(
                select(t.id, t.title, t.description, t.address).where(
                    t.id.between(start, start + KEYS_CHUNK - 1)
                )
            ).all()
            keyed = [
                {"ticket_id": row.id, "keys": keys_of(row.title, row.description, row.address)}
                for row in rows
            ]
            connection.execute(update, keyed)
        written += len(keyed)
        log(f"keys for {written:,} tickets of the window")
    return written


def check_population(
    engine: Engine, population: Population, categories: dict[str, CategoryInfo]
) -> PopulationCheck:
    """geo_cell and match_text against what intake would make, on a sample, and match_keys
    on the sample's tickets of the window; the time span, phones and statuses."""
    stride = max(1, population.tickets // GEO_CELL_CHECKS)
    t = TICKETS.c
    with engine.connect() as connection:
        sample = connection.execute(
            select(
                t.lat,
                t.lon,
                t.geo_cell,
                t.title,
                t.description,
                t.address,
                t.match_text,
                t.match_keys,
                t.created_at,
            ).where(t.id % stride == 0)
        ).all()
        oldest, newest, phones = connection.execute(
            select(func.min(t.created_at), func.max(t.created_at), func.count(t.reporter_phone))
        ).one()
        by_status = select(t.status, func.count()).group_by(t.status)
        statuses: dict[str, int] = dict(connection.execute(by_status).tuples().all())
    wrong_cells = sum(1 for row in sample if cells.cell_of(row.lat, row.lon) != row.geo_cell)
    wrong_texts = sum(
        1 for row in sample if text_for_matching(row.title, row.description) != row.match_text
    )
    keys_of = intake_keys(categories)
    in_window = [row for row in sample if row.created_at >= searched_since(population)]
    wrong_keys = sum(
        1 for row in in_window if keys_of(row.title, row.description, row.address) != row.match_keys
    )
    return PopulationCheck(
        len(sample),
        wrong_cells,
        wrong_texts,
        len(in_window),
        wrong_keys,
        oldest,
        newest,
        phones,
        statuses,
    )


# --- detection, in process --------------------------------------------------------------------


@dataclass(frozen=True)
class Plan:
    label: str
    lines: list[str]
    problems: list[str]


def plan_problems(dialect: str, lines: Sequence[str]) -> list[str]:
    """Why a plan is not an index search of the ticket table on the duplicate-search
    indexes (none: it is). The category group's few rows may be read any way."""
    plan = "\n".join(lines)
    problems = []
    if dialect == "sqlite":
        # SQLite's SCAN visits every row (or every entry of an index); SEARCH seeks.
        scans = [line.strip() for line in lines if re.match(r"\s*SCAN ticket\b", line)]
    else:
        scans = [line.strip() for line in lines if re.search(r"Seq Scan on ticket\b", line)]
    if scans:
        problems.append(f"a full scan: {'; '.join(scans)}")
    used = set(re.findall(r"\b(?:ix|pk|uq)_\w+", plan))
    if not used & set(DEDUP_INDEXES):
        problems.append("neither duplicate-search index is used")
    # The category table's, for the group; and on PostgreSQL, the uncategorised tickets in
    # the window may come from the ticket's category index (the planner's choice when they
    # are few, as in this population, where there are none).
    group_indexes = ("ix_category_", "pk_category", "uq_category_", "ix_ticket_category_id_")
    if others := {i for i in used - set(DEDUP_INDEXES) if not i.startswith(group_indexes)}:
        problems.append(f"other indexes used: {', '.join(sorted(others))}")
    return problems


def run_as_sent(
    connection: Connection, statement: str, parameters: Any
) -> tuple[list[str], list[tuple[Any, ...]]]:
    """The columns and rows of a statement that `captured_selects` kept, run again as the
    driver ran it: on PostgreSQL it has the server's own placeholders ($1), as
    app.driver_sql sends it on psycopg's raw cursor."""
    if connection.dialect.name == "sqlite":
        result = connection.exec_driver_sql(statement, parameters)
        return list(result.keys()), [tuple(row) for row in result]
    driver = connection.connection.driver_connection
    assert isinstance(driver, psycopg.Connection)
    with psycopg.RawCursor(driver) as cursor:
        rows = cursor.execute(statement, parameters).fetchall()
        return [column.name for column in cursor.description or ()], rows


def explain(connection: Connection, statement: str, parameters: Any) -> list[str]:
    """The plan of one statement exactly as the driver ran it."""
    if connection.dialect.name == "sqlite":
        _, rows = run_as_sent(connection, f"EXPLAIN QUERY PLAN {statement}", parameters)
        depth: dict[int, int] = {}
        lines = []
        for node, parent, _, detail in rows:
            depth[node] = depth.get(parent, -1) + 1
            lines.append("  " * depth[node] + str(detail))
        return lines
    _, rows = run_as_sent(connection, f"EXPLAIN {statement}", parameters)
    return [str(row[0]) for row in rows]


@contextmanager
def captured_selects(connection: Connection) -> Iterator[list[tuple[str, Any]]]:
    """Every SELECT sent on `connection` while the block runs, with its parameters. find()'s
    query goes straight to the driver (app.driver_sql), past Core's events, so the driver is
    what listens: SQLite's trace (which sees the values written in, and no parameters), or
    a psycopg cursor that keeps what it is given."""
    seen: list[tuple[str, Any]] = []

    def keep(statement: str, parameters: Any) -> None:
        if statement.lstrip().upper().startswith("SELECT"):
            seen.append((statement, parameters))

    driver = connection.connection.driver_connection
    if isinstance(driver, sqlite3.Connection):
        driver.set_trace_callback(lambda statement: keep(statement, ()))
        try:
            yield seen
        finally:
            driver.set_trace_callback(None)
        return
    assert isinstance(driver, psycopg.Connection)

    class Keeping(psycopg.RawCursor[Any]):
        def execute(self, query: Any, params: Any = None, **options: Any) -> "Keeping":
            keep(str(query), params)
            return super().execute(query, params, **options)

    info = connection.connection.info
    info[driver_sql.RAW_CURSOR] = Keeping
    try:
        yield seen
    finally:
        del info[driver_sql.RAW_CURSOR]


def transient_ticket(
    report: NewReport, ticket_id: int, categories: dict[str, CategoryInfo], now: datetime
) -> Ticket:
    """A new ticket as find() sees it after intake flushed it, never added to a session."""
    return Ticket(
        id=ticket_id,
        category_id=categories[report.category_code].id,
        lat=report.lat,
        lon=report.lon,
        geo_cell=cells.cell_of(report.lat, report.lon),
        reporter_phone=report.phone,
        title=report.description[:TITLE_FROM_DESCRIPTION_CHARS],
        description=report.description,
        match_text=text_for_matching(
            report.description[:TITLE_FROM_DESCRIPTION_CHARS], report.description
        ),
        match_keys=intake_keys(categories)(
            report.description[:TITLE_FROM_DESCRIPTION_CHARS], report.description, report.address
        ),
        location_radius_m=None,
        created_at=now,
    )


@dataclass(frozen=True)
class Neighbourhood:
    """Every row find()'s query matches without its LIMIT, each scored as find() scores."""

    rows: int
    near: int  # rows within the radius
    best: float  # the best score among them; 0 when none is a candidate


@dataclass(frozen=True)
class Detection:
    wall_ms: list[float]
    cpu_ms: list[float]
    rows: list[int]  # what the candidate query returned, per ticket
    near: list[int]  # how many of those lie within the radius
    scored: list[int]  # candidates find() returned (the scoring ruled the rest out)
    best: list[float]  # find()'s best score per ticket; 0 when it found none
    neighbourhoods: list[Neighbourhood]  # of the first NEIGHBOURHOOD_CHECKS tickets
    plans: list[Plan]

    @property
    def mean_ms(self) -> float:
        return statistics.fmean(self.wall_ms)

    @property
    def p99_ms(self) -> float:
        return statistics.quantiles(self.wall_ms, n=100)[98] if len(self.wall_ms) > 1 else 0.0


def _neighbourhood(
    session: Session,
    ticket: Ticket,
    by_id: dict[int, CategoryInfo],
    config: dedup_service.Settings,
) -> Neighbourhood:
    """find()'s query without its LIMIT, and the best of what it holds: what the LIMIT
    leaves out."""
    assert ticket.lat is not None
    assert ticket.lon is not None
    radius = dedup_service.radius_for(by_id, ticket.category_id, config.default_radius_m)
    t = TICKETS.c
    query = select(
        t.category_id,
        t.lat,
        t.lon,
        t.created_at,
        t.match_text,
        t.reporter_phone,
        t.match_keys,
        t.location_radius_m,
    ).where(
        or_(
            t.geo_cell.in_(cells.cells_in(cells.box_around(ticket.lat, ticket.lon, radius))),
            t.reporter_phone == ticket.reporter_phone,
        ),
        t.created_at >= ticket.created_at - config.window,
        t.parent_id.is_(None),
        t.status.in_(dedup_service.SEARCHED_STATUSES),
    )
    scorer = Scorer(
        dedup_service.report_of(by_id, ticket),
        radius_m=radius,
        window=config.window,
        related=dedup_service.related_of(by_id),
    )
    rows, near, best = 0, 0, 0.0
    for row in session.execute(query):
        rows += 1
        near += metres_between(ticket.lat, ticket.lon, row.lat, row.lon) <= radius
        found = scorer.score(dedup_service.report_of(by_id, row))
        if found is not None:
            best = max(best, found.score)
    return Neighbourhood(rows, near, best)


def _returned(
    connection: Connection,
    statement: str,
    parameters: Any,
    ticket: Ticket,
    by_id: dict[int, CategoryInfo],
    config: dedup_service.Settings,
) -> tuple[int, int]:
    """The rows find()'s query returned for `ticket` (run again as it ran), and how many of
    them lie within the radius."""
    assert ticket.lat is not None
    assert ticket.lon is not None
    keys, rows = run_as_sent(connection, statement, parameters)
    lat, lon = keys.index("lat"), keys.index("lon")
    radius = dedup_service.radius_for(by_id, ticket.category_id, config.default_radius_m)
    near = sum(
        metres_between(ticket.lat, ticket.lon, row[lat], row[lon]) <= radius
        for row in rows
        if row[lat] is not None and row[lon] is not None
    )
    return len(rows), near


def measure_detection(
    engine: Engine, sample: int, categories: dict[str, CategoryInfo], settings: Settings
) -> Detection:
    """find() per new ticket, timed after a warm-up; then, untimed, the rows its query
    returned, the neighbourhood it was cut from, and the query's plan with and without a
    caller's number."""
    config = dedup_settings(settings)
    by_id = {info.id: info for info in categories.values()}
    factory = create_session_factory(engine)
    now = utc_now()
    reports = new_reports(DETECTION_WARMUP + sample, SAMPLE_SEED)
    with factory() as session:
        first_id = session.execute(select(func.max(TICKETS.c.id))).scalar_one() + 1
        tickets = [
            transient_ticket(report, first_id + i, categories, now)
            for i, report in enumerate(reports)
        ]
        for ticket in tickets[:DETECTION_WARMUP]:
            dedup_service.find(session, ticket, by_id, config)
        measured = tickets[DETECTION_WARMUP:]
        wall_ms, cpu_ms, scored, best = [], [], [], []
        for ticket in measured:
            started, cpu_started = time.perf_counter(), time.process_time()
            found = dedup_service.find(session, ticket, by_id, config)
            cpu_ms.append((time.process_time() - cpu_started) * 1000)
            wall_ms.append(_timed_ms(started))
            scored.append(len(found))
            best.append(found[0].match.score if found else 0.0)
        # What find() sent, on a second pass that is not timed: SQLite's trace writes each
        # statement out with its values, and that would be timed as the search's own cost.
        with captured_selects(session.connection()) as statements:
            for ticket in measured:
                dedup_service.find(session, ticket, by_id, config)
        if len(statements) != sample:
            raise harness.BenchError(f"find() ran {len(statements)} SELECTs for {sample} tickets")
        log("counting what the candidate query returned and what its LIMIT left out")
        connection = session.connection()
        returned = [
            _returned(connection, *statement, ticket, by_id, config)
            for statement, ticket in zip(statements, measured, strict=True)
        ]
        rows, near = [count for count, _ in returned], [count for _, count in returned]
        neighbourhoods = [
            _neighbourhood(session, ticket, by_id, config)
            for ticket in measured[:NEIGHBOURHOOD_CHECKS]
        ]
        plans = [_plan(connection, "with a caller's number", *statements[0])]
        without_phone = transient_ticket(reports[0], first_id, categories, now)
        without_phone.reporter_phone = None
        with captured_selects(connection) as bare:
            dedup_service.find(session, without_phone, by_id, config)
        plans.append(_plan(connection, "without a caller's number", *bare[0]))
        session.rollback()
    return Detection(wall_ms, cpu_ms, rows, near, scored, best, neighbourhoods, plans)


def _plan(connection: Connection, label: str, statement: str, parameters: Any) -> Plan:
    lines = explain(connection, statement, parameters)
    return Plan(label, lines, plan_problems(connection.dialect.name, lines))


# --- intake, under wrk ------------------------------------------------------------------------

# Written next to the run's database (this module is the whole benchmark).
WRK_SCRIPT = (
    harness.LUA_THREADS_AND_SETTINGS
    + """\
-- wrk script for `python -m bench dedup`: POSTs the hotline calls of DEDUP_BODIES_FILE (one
-- JSON body a line, without its external_id) to the path wrk was given, with the call centre's
-- key DEDUP_KEY. Thread k of n = DEDUP_THREADS takes the lines k, k + n, ...; each request
-- gets the external id DEDUP_RUN-thread-sequence, unique across threads and runs. The first
-- few non-2xx answers of each thread go to DEDUP_ERRORS.
-- done() prints one line, "@bench key=value ...", that bench/harness.py parses.

local BODIES_FILE = required("DEDUP_BODIES_FILE")
local THREADS = tonumber(required("DEDUP_THREADS"))
local RUN = required("DEDUP_RUN")
local ERRORS = required("DEDUP_ERRORS")
local HEADERS = {
   ["Content-Type"] = "application/json",
   ["X-API-Key"] = required("DEDUP_KEY"),
}
local ERROR_SAMPLES = 3

wrk.method = "POST"

function init(args)
   ok = 0
   failed = 0
   statuses = {}
   samples = 0
   bodies = {}
   local index = 0
   for line in io.lines(BODIES_FILE) do
      index = index + 1
      if (index - thread_number) % THREADS == 0 then
         bodies[#bodies + 1] = line
      end
   end
   sent = 0
end

function request()
   sent = sent + 1
   local id = RUN .. "-" .. thread_number .. "-" .. sent
   local body = bodies[(sent - 1) % #bodies + 1]
   return wrk.format(nil, nil, HEADERS, '{"external_id":"' .. id .. '",' .. string.sub(body, 2))
end

"""
    + harness.LUA_COUNT_AND_REPORT
)

# What the measured run added: tickets (each has one `received` event) and what dedup did.
INTAKE_COUNTS: dict[str, Select[Any]] = {
    kind.value: select(func.count()).select_from(EVENTS).where(EVENTS.c.kind == kind)
    for kind in (EventKind.RECEIVED, EventKind.MERGED, EventKind.DUPLICATE_SUSPECTED)
}


def hotline_bodies(count: int, seed: int) -> list[str]:
    """Calls to 12345 with a point, a category and the caller's number, without external ids."""
    bodies = []
    for index, report in enumerate(new_reports(count, seed)):
        body = {
            "channel": Channel.HOTLINE_12345.value,
            "request_type": RequestType.COMPLAINT.value,
            "category_code": report.category_code,
            "description": report.description,
            "location": {"lat": report.lat, "lon": report.lon, "crs": "wgs84"},
            "address": report.address,
            "call": {
                "caller_number": report.phone,
                "agent_id": f"A{index % 200:04d}",
                "started_at": "2026-11-23T10:00:00+08:00",
                "recording_ref": f"rec-{seed}-{index}",
            },
        }
        bodies.append(json.dumps(body, ensure_ascii=False))
    return bodies


@dataclass(frozen=True)
class Intake:
    load: LoadMeasurement
    connections: int
    duration: int
    added: dict[str, int]  # rows of each INTAKE_COUNTS kind the measured run added
    # Server CPU seconds from the run's start until every request and the work it left
    # behind had finished (`measure_intakes`'s `settle`); None when not measured.
    settled_cpu_s: float | None = None

    @property
    def cpu_ms(self) -> float | None:
        """Server CPU per 2xx answer."""
        return self.load.run.cpu_ms_per_ok

    @property
    def settled_cpu_ms_per_ticket(self) -> float | None:
        """Server CPU per ticket taken in, the work finished after the run included."""
        received = self.added[EventKind.RECEIVED]
        if self.settled_cpu_s is None or received <= 0:
            return None
        return 1000 * self.settled_cpu_s / received


def _wrk(
    server: Server, workdir: Path, bodies: Path, duration: int, connections: int, *, watch: bool
) -> WrkRun:
    return harness.run_wrk(
        workdir / "dedup.lua",
        f"{server.base_url}{API}/tickets",
        duration=duration,
        connections=connections,
        threads=WRK_THREADS,
        env={
            "DEDUP_BODIES_FILE": str(bodies),
            "DEDUP_THREADS": str(WRK_THREADS),
            "DEDUP_RUN": secrets.token_hex(4),
            "DEDUP_ERRORS": str(workdir / "non-2xx.txt"),
            "DEDUP_KEY": channel_keys()[Channel.HOTLINE_12345.value],
        },
        watch_pid=server.process.pid if watch else None,
    )


@dataclass(frozen=True)
class _IntakeSide:
    """One database of `measure_intakes`: its server and the files of its load."""

    database_url: str
    directory: Path  # the wrk script, its non-2xx answers, the server's log
    server: Server

    @property
    def errors_file(self) -> Path:
        return self.directory / "non-2xx.txt"


def measure_intakes(
    database_urls: Sequence[str],
    workdir: Path,
    duration: int,
    connections: int,
    seeds: tuple[int, int] = (WARMUP_SEED, BODIES_SEED),
    env_extra: Mapping[str, str] | None = None,
    settle: Callable[[], None] | None = None,
) -> list[Intake]:
    """The real service on each populated database: a warm-up, then one measured run, each
    with calls of its own (a warm-up call posted again would be merged, not searched);
    `seeds` make the warm-up's and the run's calls, new ones for each run on one database.
    With several databases, a server and a load generator for each run together with the
    same calls, so that each is measured on the machine as it was for the others (this
    machine's speed drifts within a minute). `settle`, when given, waits for the work a run
    leaves behind (after the warm-up, and after the run before the servers' CPU is read for
    `settled_cpu_s`)."""
    warmup_bodies, bodies = workdir / "warmup.jsonl", workdir / "bodies.jsonl"
    warmup_bodies.write_text("\n".join(hotline_bodies(WARMUP_BODIES, seeds[0])) + "\n")
    bodies.write_text("\n".join(hotline_bodies(INTAKE_BODIES, seeds[1])) + "\n")
    with ExitStack() as cleanup:
        log("starting the service" + ("s" if len(database_urls) > 1 else ""))
        sides = [
            _start_side(cleanup, url, workdir / f"intake-{number}", workdir, env_extra)
            for number, url in enumerate(database_urls)
        ]
        log(f"intake: {WARMUP_SECONDS} s warm-up")
        _wrk_together(sides, warmup_bodies, WARMUP_SECONDS, connections, watch=False)
        # Settling lets the warm-up's abandoned requests finish before the measured run.
        before = [harness.settled_row_counts(side.database_url, INTAKE_COUNTS) for side in sides]
        if settle is not None:
            settle()
        for side in sides:
            side.errors_file.unlink(missing_ok=True)
        log(f"intake: {duration} s measured run")
        started = [harness.cpu_sample(side.server.process.pid) for side in sides]
        runs = _wrk_together(sides, bodies, duration, connections, watch=True)
        after = [harness.settled_row_counts(side.database_url, INTAKE_COUNTS) for side in sides]
        if settle is not None:
            settle()
        ended = [harness.cpu_sample(side.server.process.pid) for side in sides]
        for side, run in zip(sides, runs, strict=True):
            if run.non_2xx:
                tail = side.server.log_tail()
                log(f"intake: {run.non_2xx} answers not 2xx; the log ends:\n{tail}")
    kind = RequestKind("intake (12345)", [f"{API}/tickets"], "")
    measured = []
    for side, run, first, last, start, end in zip(
        sides, runs, before, after, started, ended, strict=True
    ):
        errors = side.errors_file.read_text().splitlines() if side.errors_file.exists() else []
        added = {name: last[name] - first[name] for name in INTAKE_COUNTS}
        settled_cpu_s = (
            end.process_s - start.process_s
            if settle is not None and start is not None and end is not None
            else None
        )
        load = LoadMeasurement(kind, run, errors)
        measured.append(Intake(load, connections, duration, added, settled_cpu_s))
    return measured


def _start_side(
    cleanup: ExitStack,
    database_url: str,
    directory: Path,
    workdir: Path,
    env_extra: Mapping[str, str] | None,
) -> _IntakeSide:
    directory.mkdir(exist_ok=True)
    (directory / "dedup.lua").write_text(WRK_SCRIPT)
    env = harness.service_env(database_url, workdir / "uploads") | dict(env_extra or {})
    server = harness.start_server("service", "app.main:create_app", env=env, log_dir=directory)
    cleanup.callback(harness.stop_server, server)
    return _IntakeSide(database_url, directory, server)


def _wrk_together(
    sides: Sequence[_IntakeSide], bodies: Path, duration: int, connections: int, *, watch: bool
) -> list[WrkRun]:
    """`_wrk` against each side's server at the same time."""
    with ThreadPoolExecutor(len(sides)) as pool:
        running = [
            pool.submit(
                _wrk, side.server, side.directory, bodies, duration, connections, watch=watch
            )
            for side in sides
        ]
        return [run.result() for run in running]


# --- precision and recall on the labelled pairs ---------------------------------------------


@dataclass(frozen=True)
class ScoredPair:
    index: int
    duplicate: bool
    score: float | None  # None: match() ruled the pair out (never a candidate)
    held_out: bool = False
    address_only: bool = False


def score_pairs(
    pairs: Sequence[Pair], categories: dict[str, CategoryInfo], settings: Settings, held_out: bool
) -> list[ScoredPair]:
    """Each pair's second report scored against its first, as intake would score it (an
    address-only call located in the gazetteer)."""
    config = dedup_settings(settings)
    by_id = {info.id: info for info in categories.values()}
    taxonomy = Taxonomy({code: info.id for code, info in categories.items()})
    related, gazetteer = taxonomy.related, demo_gazetteer()
    scored = []
    for index, labelled in enumerate(pairs):
        new = as_scored(labelled.pair.second, taxonomy, gazetteer)
        old = as_scored(labelled.pair.first, taxonomy, gazetteer)
        radius = dedup_service.radius_for(by_id, new.category_id, config.default_radius_m)
        found = match(new, old, radius_m=radius, window=config.window, related=related)
        scored.append(
            ScoredPair(
                index,
                labelled.pair.duplicate,
                found.score if found else None,
                held_out,
                labelled.address_only,
            )
        )
    return scored


@dataclass(frozen=True)
class Confusion:
    tp: int
    fp: int
    fn: int
    tn: int

    @property
    def precision(self) -> float:
        return self.tp / (self.tp + self.fp) if self.tp + self.fp else 0.0

    @property
    def recall(self) -> float:
        return self.tp / (self.tp + self.fn) if self.tp + self.fn else 0.0


def confusion(scored: Sequence[ScoredPair], threshold: float) -> Confusion:
    detected = [pair.score is not None and pair.score >= threshold for pair in scored]
    truth = [pair.duplicate for pair in scored]
    return Confusion(
        tp=sum(d and t for d, t in zip(detected, truth, strict=True)),
        fp=sum(d and not t for d, t in zip(detected, truth, strict=True)),
        fn=sum(not d and t for d, t in zip(detected, truth, strict=True)),
        tn=sum(not d and not t for d, t in zip(detected, truth, strict=True)),
    )


HALVES = (
    ("all", lambda pair: True),
    ("tuning", lambda pair: not pair.held_out),
    ("held out", lambda pair: pair.held_out),
    ("held out, addr-only", lambda pair: pair.held_out and pair.address_only),
)


# --- reporting --------------------------------------------------------------------------------


def _row(label: str, value: str, note: str) -> str:
    return f"{label:<30}{value:>12}   {note}"


def print_population(
    backend: Backend,
    population: Population,
    check: PopulationCheck,
    seconds: tuple[float, float, float],
    keyed: int,
    load_before: float,
) -> None:
    """`seconds`: to populate, to work out the window's keys, to analyze."""
    populate_s, keys_s, analyze_s = seconds
    km = 2 * HALF_SIDE_M / 1000
    print(
        f"dedup: {backend}, {population.tickets:,} open tickets evenly over a {km:.0f} km x "
        f"{km:.0f} km square around the demo centre ({km * km:.0f} km^2), created over the last "
        f"{POPULATION_DAYS} days; load average {load_before:.1f} before the start, on "
        f"{os.cpu_count()} cores"
    )
    statuses = ", ".join(f"{status} {count:,}" for status, count in sorted(check.statuses.items()))
    cells_note = "match app.dedup.cells.cell_of" if not check.wrong_cells else "DIFFER"
    for line in (
        _row("populate", f"{populate_s:.1f} s", f"INSERT ... SELECT, {CHUNK_ROWS:,} rows a commit"),
        _row(
            "match_keys",
            f"{keys_s:.1f} s",
            f"places and words of the {keyed:,} tickets of the {WINDOW_DAYS}-day window, worked "
            "out in Python as intake does",
        ),
        _row("analyze", f"{analyze_s:.1f} s", "planner statistics (PostgreSQL: VACUUM ANALYZE)"),
        _row(
            "geo_cell check",
            f"{check.checked - check.wrong_cells:,}/{check.checked:,}",
            f"sampled rows whose geo_cell {cells_note}",
        ),
        _row(
            "match_text check",
            f"{check.checked - check.wrong_texts:,}/{check.checked:,}",
            "sampled rows whose match_text "
            + ("DIFFER" if check.wrong_texts else "match app.dedup.similarity.text_for_matching"),
        ),
        _row(
            "match_keys check",
            f"{check.keys_checked - check.wrong_keys:,}/{check.keys_checked:,}",
            "sampled rows of the window whose match_keys "
            + ("DIFFER" if check.wrong_keys else "match app.dedup.similarity.keys_for_matching"),
        ),
        _row(
            "with a caller's number",
            f"{check.with_phone / population.tickets:.0%}",
            f"from a pool of {PHONE_POOL:,} numbers",
        ),
        _row("created", "", f"{check.oldest:%Y-%m-%d %H:%M} to {check.newest:%Y-%m-%d %H:%M} UTC"),
        _row("statuses", "", statuses),
    ):
        print(line)


def print_plans(detection: Detection) -> None:
    print()
    for plan in detection.plans:
        print(f"candidate query plan ({plan.label}):")
        for line in plan.lines:
            print(f"  {line}")
        verdict = "FAILED: " + "; ".join(plan.problems) if plan.problems else "ok, index search"
        print(f"plan check: {verdict}")


def _share(part: float, whole: float | None) -> str:
    return f"{part / whole:.3f}" if whole else "-"


def _at_least(scores: Sequence[float], threshold: float) -> float:
    return sum(score >= threshold for score in scores) / len(scores) if scores else 0.0


def print_detection(detection: Detection, settings: Settings) -> None:
    d = detection
    calls = len(d.wall_ms)
    at_limit = sum(1 for rows in d.rows if rows >= dedup_service.MAX_CANDIDATES)
    sizes, checked = [n.rows for n in d.neighbourhoods], len(d.neighbourhoods)
    flag, merge = settings.dedup_flag_score, settings.dedup_merge_score
    print()
    print(
        f"detection: app.dedup.service.find in process (its candidate query and the scoring), "
        f"{calls:,} new tickets after {DETECTION_WARMUP} warm-up calls, each with a point, a "
        f"category and a caller's number"
    )
    for line in (
        _row("find mean", f"{d.mean_ms:.2f} ms", "wall time per ticket (the share's numerator)"),
        _row("find median", f"{statistics.median(d.wall_ms):.2f} ms", ""),
        _row("find p99", f"{d.p99_ms:.2f} ms", ""),
        _row(
            "find CPU mean",
            f"{statistics.fmean(d.cpu_ms):.2f} ms",
            "this process only (PostgreSQL's own work is not in it)",
        ),
        _row(
            "rows per query",
            f"{statistics.fmean(d.rows):.1f}",
            f"mean; min {min(d.rows)}, max {max(d.rows)}; at the LIMIT "
            f"({dedup_service.MAX_CANDIDATES}) for {at_limit / calls:.0%} of tickets",
        ),
        _row(
            "rows without the LIMIT",
            f"{statistics.median(sizes):,.0f}",
            f"median over the first {checked} tickets (min {min(sizes):,}, max "
            f"{max(sizes):,}): the cells of their radius's box and their caller, in the window",
        ),
        _row(
            "rows within the radius",
            f"{statistics.fmean(d.near):.1f}",
            f"mean of those the query returned; the first {checked} tickets' neighbourhoods "
            f"hold {statistics.fmean(n.near for n in d.neighbourhoods):,.0f} on average",
        ),
        _row(
            "candidates found",
            f"{statistics.fmean(d.scored):.1f}",
            "mean per ticket that find() kept (same group or caller, within radius, at "
            "least the flag score)",
        ),
        _row(
            "flagged / merge-worthy",
            f"{_at_least(d.best, flag):.1%}",
            f"tickets whose best candidate is >= flag {flag}; "
            f"{_at_least(d.best, merge):.1%} >= merge {merge}",
        ),
        _row(
            "flagged, the first tickets",
            f"{_at_least(d.best[:checked], flag):.0%}",
            f"of the first {checked}: by find(); scoring every row without the LIMIT flags "
            f"{_at_least([n.best for n in d.neighbourhoods], flag):.0%} of them",
        ),
    ):
        print(line)


def print_intake(intake: Intake) -> None:
    run = intake.load.run
    print()
    print(
        f"intake: the real service on that database, one uvicorn worker, wrk "
        f"{intake.connections} connections, {intake.duration} s measured after a "
        f"{WARMUP_SECONDS} s warm-up; 12345 calls with a point, a category and a caller's number"
    )
    header = (
        f"{'2xx/s':>9}{'ms/2xx':>9}{'mean ms':>9}{'p50 ms':>9}{'p99 ms':>9}{'2xx':>8}"
        f"{'non-2xx':>9}{'sock err':>10}{'srv cpu':>9}{'cpu ms/2xx':>11}{'box cpu':>9}"
    )
    print(header)
    print("-" * len(header))
    cpu = run.cpu
    cpu_columns = (
        f"{cpu.process_cores:>9.2f}{intake.cpu_ms:>11.2f}{cpu.machine_cores:>9.2f}"
        if cpu is not None and intake.cpu_ms is not None
        else f"{'-':>9}{'-':>11}{'-':>9}"
    )
    print(
        f"{run.ok_per_s:>9.1f}{intake.load.per_request_ms:>9.2f}{intake.load.mean_ms:>9.1f}"
        f"{run.p50_ms:>9.1f}{run.p99_ms:>9.1f}{run.ok:>8}{run.non_2xx:>9}"
        f"{run.socket_errors:>10}{cpu_columns}"
    )
    added = intake.added
    received = added[EventKind.RECEIVED]
    print(
        f"ms/2xx: 1 / 2xx throughput at {intake.connections} connections; srv cpu / box cpu: "
        "cores busy in the server process / on the whole machine; during the run "
        f"{received:,} tickets came in, {added[EventKind.MERGED]:,} merged at intake and "
        f"{added[EventKind.DUPLICATE_SUSPECTED]:,} flagged"
    )
    if run.socket_errors:
        print(f"WARNING: {run.socket_errors} socket errors; fewer --connections")
    if run.non_2xx:
        print(f"{run.non_2xx} answers not 2xx ({run.fields.get('statuses', '')}); the first:")
        for sample in intake.load.error_samples:
            print(f"  {sample}")


def share_of_intake(detection: Detection, intake: Intake) -> float:
    """find()'s mean time over intake's server CPU per 2xx (its wall time per 2xx when the
    CPU was not measured)."""
    whole = intake.cpu_ms if intake.cpu_ms else intake.load.per_request_ms
    return detection.mean_ms / whole


def print_share(detection: Detection, intake: Intake, share: float) -> None:
    print()
    print("share of intake: what duplicate detection adds to one intake")
    cpu_note = (
        "the contract's share_of_intake"
        if intake.cpu_ms
        else "not measured (no /proc): the contract uses the wall-time share below"
    )
    for line in (
        _row(
            "find mean / srv cpu per 2xx",
            _share(detection.mean_ms, intake.cpu_ms),
            f"{cpu_note}; target < {SHARE_TARGET:.0%}: {_verdict(share < SHARE_TARGET)}",
        ),
        _row(
            "find mean / wall per 2xx",
            _share(detection.mean_ms, intake.load.per_request_ms),
            f"per-request time is 1 / throughput at {intake.connections} connections",
        ),
        _row(
            "find p99 / srv cpu per 2xx",
            _share(detection.p99_ms, intake.cpu_ms),
            "the slow end",
        ),
    ):
        print(line)


def print_quality(scored: Sequence[ScoredPair], settings: Settings) -> None:
    duplicates = sum(pair.duplicate for pair in scored)
    ruled_out = sum(pair.score is None for pair in scored)
    print()
    print(
        f"quality: {len(scored)} labelled pairs of tests/dedup/pairs.py ({duplicates} "
        f"duplicates; tuning: the weights and scores were fitted there; held out: never), the "
        f"later report scored against the earlier with "
        f"app.dedup.scoring.match; radius {settings.dedup_radius_m} m (a category's own where it "
        f"has one), window {settings.dedup_window_days:g} days; {ruled_out} pairs ruled out"
    )
    header = (
        f"{'pairs':<21}{'threshold':>14}{'n':>5}{'tp':>5}{'fp':>5}{'fn':>5}{'tn':>5}"
        f"{'precision':>11}{'recall':>8}"
    )
    print(header)
    print("-" * len(header))
    for name, threshold in (
        ("flag", settings.dedup_flag_score),
        ("merge", settings.dedup_merge_score),
    ):
        for label, keep in HALVES:
            subset = [pair for pair in scored if keep(pair)]
            c = confusion(subset, threshold)
            print(
                f"{label:<21}{f'{name} {threshold:.2f}':>14}{len(subset):>5}{c.tp:>5}{c.fp:>5}"
                f"{c.fn:>5}{c.tn:>5}{c.precision:>11.3f}{c.recall:>8.3f}"
            )
    print("the contract's precision and recall: all pairs at the flag score")


def print_quality_line(scored: Sequence[ScoredPair], settings: Settings) -> None:
    """`--quality-only`'s last line: the contract line's quality fields, and the held-out
    address-only recall."""
    overall = confusion(scored, settings.dedup_flag_score)
    merged = confusion(scored, settings.dedup_merge_score)
    held_out = [pair for pair in scored if pair.held_out]
    flagged = confusion(held_out, settings.dedup_flag_score)
    address_only = confusion(
        [pair for pair in held_out if pair.address_only], settings.dedup_flag_score
    )
    print(
        f"dedup quality precision={overall.precision:.3f} recall={overall.recall:.3f} "
        f"merge_precision={merged.precision:.3f} merge_recall={merged.recall:.3f} "
        f"heldout_precision={flagged.precision:.3f} heldout_recall={flagged.recall:.3f} "
        f"heldout_address_only_recall={address_only.recall:.3f}"
    )


# --- the run ----------------------------------------------------------------------------------


def _categories(engine: Engine) -> dict[str, CategoryInfo]:
    """The demo taxonomy as routing holds it, with every code the population uses."""
    with create_session_factory(engine)() as session:
        categories = load_snapshot(session).categories
    wanted = [
        category_code(group, leaf) for group in range(GROUPS) for leaf in range(LEAVES_PER_GROUP)
    ]
    if missing := [code for code in wanted if code not in categories]:
        raise harness.BenchError(f"categories missing from the demo taxonomy: {missing}")
    return categories


def run(arguments: argparse.Namespace) -> int:
    """The whole benchmark; 0 when the candidate query is an index search and every intake
    request was answered 2xx. Missing the target is a result, not an error."""
    if not arguments.quality_only:
        harness.require_wrk()
    backend: Backend = arguments.db
    postgres_url: str = arguments.postgres_url
    if arguments.tickets < 1 or arguments.sample < 2:
        raise harness.BenchError("--tickets must be at least 1 and --sample at least 2")
    load_before = os.getloadavg()[0]
    with ExitStack() as cleanup:
        workdir = Path(cleanup.enter_context(tempfile.TemporaryDirectory(prefix="bench-dedup-")))
        log(f"preparing the {backend} database (migrate, seed-demo)")
        url = harness.fresh_database(backend, DATABASE, workdir, postgres_url)
        cleanup.callback(harness.drop_database, backend, url, postgres_url)
        harness.migrate_and_seed(url)
        settings = Settings(database_url=url)
        engine = create_db_engine(settings)
        try:
            categories = _categories(engine)
            scored = score_pairs(TUNING, categories, settings, held_out=False)
            scored += score_pairs(HELD_OUT, categories, settings, held_out=True)
            if arguments.quality_only:
                print_quality(scored, settings)
                print_quality_line(scored, settings)
                return 0
            population = Population(arguments.tickets, utc_now())
            category_ids = {code: info.id for code, info in categories.items()}
            started = time.perf_counter()
            populate(engine, population, category_ids)
            populate_s = time.perf_counter() - started
            started = time.perf_counter()
            keyed = populate_keys(engine, population, categories)
            keys_s = time.perf_counter() - started
            log("analyze")
            started = time.perf_counter()
            analyze(engine)
            analyze_s = time.perf_counter() - started
            check = check_population(engine, population, categories)
            print_population(
                backend, population, check, (populate_s, keys_s, analyze_s), keyed, load_before
            )
            if failures := check.failures(population):
                print("population check: FAILED: " + "; ".join(failures))
                return 1
            log(f"detection: find() for {arguments.sample:,} new tickets")
            detection = measure_detection(engine, arguments.sample, categories, settings)
        finally:
            engine.dispose()
        print_plans(detection)
        print_detection(detection, settings)
        if any(plan.problems for plan in detection.plans):
            print("dedup: the candidate query is not an index search; intake not measured")
            return 1
        (intake,) = measure_intakes([url], workdir, arguments.duration, arguments.connections)
    print_intake(intake)
    share = share_of_intake(detection, intake)
    print_share(detection, intake, share)
    print_quality(scored, settings)
    overall = confusion(scored, settings.dedup_flag_score)
    merged = confusion(scored, settings.dedup_merge_score)
    held_out = confusion([pair for pair in scored if pair.held_out], settings.dedup_flag_score)
    print(
        f"dedup share_of_intake={share:.3f} precision={overall.precision:.3f} "
        f"recall={overall.recall:.3f} tickets={arguments.tickets} "
        f"merge_precision={merged.precision:.3f} merge_recall={merged.recall:.3f} "
        f"heldout_precision={held_out.precision:.3f} heldout_recall={held_out.recall:.3f}"
    )
    run_ = intake.load.run
    return 0 if run_.ok > 0 and run_.non_2xx == 0 else 1
