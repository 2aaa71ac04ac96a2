"""Every labelled pair, in three parts fixed once and for all.

- TUNING: the suite's even-indexed pairs (`labelled_pairs.PAIRS`) and `data/pairs_a.jsonl`;
  the weights and scores are fitted on these alone;
- DEVELOPMENT: the suite's odd-indexed pairs and `data/pairs_b.jsonl`. They were the
  held-out half at first, but their totals were read while the detector was built, so
  they measure no more than a development set does;
- HELD_OUT: `data/pairs_c.jsonl`, 331 pairs written afterwards, independently, from the
  demo city's places and categories, without seeing the detector, its weights or the other
  sets, and used for nothing but the held-out figures.

Weights and scores are chosen on TUNING only (`tools/fit_dedup.py`); HELD_OUT only measures.
Each JSONL line: {"id", "kind", "duplicate", "why", "first": {...}, "second": {...}}, each
report with channel, category_code, lat, lon (null for an address-only call), address,
minutes_after_first, text and phone."""

import json
from dataclasses import dataclass
from datetime import UTC, datetime, timedelta
from functools import cache
from pathlib import Path
from typing import Any

import shapely.geometry

from app.dedup.gazetteer import COMMUNITY_LEVEL
from app.dedup.places import (
    QR_POSTER_REACH_M,
    Gazetteer,
    community_place,
    load_gazetteer,
    locate,
    with_grids,
)
from app.dedup.scoring import Report as ScoredReport
from app.dedup.scoring import related_ids
from app.dedup.similarity import keys_for_matching, normalised
from app.dedup.words import load_vocabulary, segmenter_for, user_words
from app.demo.city import build_demo_city
from tests.dedup.labelled_pairs import PAIRS, LabelledPair, Report

DATA = Path(__file__).resolve().parent / "data"


@dataclass(frozen=True)
class Pair:
    source: str  # "suite", "a" or "b"
    id: str
    kind: str  # what makes it hard ("" for the suite's own)
    pair: LabelledPair

    @property
    def address_only(self) -> bool:
        """One of the two reports has no point, only an address."""
        return any(
            report.lat is None and report.address for report in (self.pair.first, self.pair.second)
        )


def _report(fields: dict[str, Any]) -> Report:
    return Report(
        channel=fields["channel"],
        category_code=fields.get("category_code") or None,
        lat=fields.get("lat"),
        lon=fields.get("lon"),
        minutes_after_first=int(fields.get("minutes_after_first") or 0),
        text=fields["text"],
        phone=fields.get("phone") or None,
        address=fields.get("address") or None,
    )


def read_jsonl(path: Path, source: str) -> list[Pair]:
    """The pairs of one file; a file not there yet holds none."""
    if not path.exists():
        return []
    pairs = []
    for number, line in enumerate(path.read_text(encoding="utf-8").splitlines(), 1):
        if not line.strip():
            continue
        entry = json.loads(line)
        pair = LabelledPair(
            _report(entry["first"]),
            _report(entry["second"]),
            duplicate=bool(entry["duplicate"]),
            why=entry.get("why", ""),
        )
        pairs.append(Pair(source, str(entry.get("id", number)), entry.get("kind", ""), pair))
    return pairs


def _suite(parity: int) -> list[Pair]:
    return [
        Pair("suite", str(index), "", pair)
        for index, pair in enumerate(PAIRS)
        if index % 2 == parity
    ]


TUNING: tuple[Pair, ...] = (*_suite(0), *read_jsonl(DATA / "pairs_a.jsonl", "a"))
DEVELOPMENT: tuple[Pair, ...] = (*_suite(1), *read_jsonl(DATA / "pairs_b.jsonl", "b"))
HELD_OUT: tuple[Pair, ...] = tuple(read_jsonl(DATA / "pairs_c.jsonl", "c"))


DEMO_CATEGORY_NAMES = tuple(category.name for category in build_demo_city().categories)
PAIRS_EPOCH = datetime(2026, 11, 23, 1, tzinfo=UTC)


@dataclass(frozen=True)
class Taxonomy:
    """What scoring needs of the categories: ids by code, each code's group, related pairs."""

    id_of: dict[str, int]

    @property
    def related(self) -> frozenset[frozenset[int]]:
        return related_ids(self.id_of)

    def ids(self, code: str | None) -> tuple[int | None, int | None]:
        if code is None:
            return None, None
        # A category's group is the one its two-digit prefix names.
        return self.id_of[code], self.id_of.get(code[:2])


def demo_taxonomy() -> Taxonomy:
    """The demo city's codes with ids of their own (only equality matters to scoring)."""
    codes = [category.code for category in build_demo_city().categories]
    return Taxonomy({code: number for number, code in enumerate(sorted(codes), 1)})


@cache  # one object, so what is built per gazetteer (a segmenter) is built once
def demo_gazetteer() -> Gazetteer:
    """The demo district's gazetteer and its grid map's communities, as a server holds them."""
    communities = [
        community_place(grid.name, shapely.geometry.shape(grid.boundary))
        for grid in build_demo_city().grids
        if grid.level == COMMUNITY_LEVEL
    ]
    return with_grids(load_gazetteer(), communities)


def as_scored(report: Report, taxonomy: Taxonomy, gazetteer: Gazetteer) -> ScoredReport:
    """A labelled report as intake keeps it: an address-only call located in the gazetteer."""
    category_id, group_id = taxonomy.ids(report.category_code)
    lat, lon, uncertainty = report.lat, report.lon, None
    if report.channel == "qr_code":
        uncertainty = QR_POSTER_REACH_M
    if lat is None or lon is None:
        located = locate(report.address or report.text, gazetteer)
        if located is not None:
            lat, lon, uncertainty = located.lat, located.lon, located.radius_m
    return ScoredReport(
        category_id=category_id,
        group_id=group_id,
        lat=lat,
        lon=lon,
        created_at=PAIRS_EPOCH + timedelta(minutes=report.minutes_after_first),
        text=normalised(report.text),
        phone=report.phone,
        keys=keys_for_matching(
            report.text,
            report.text,
            report.address,
            gazetteer,
            load_vocabulary(),
            segmenter_for(user_words(gazetteer, DEMO_CATEGORY_NAMES)),
        ),
        uncertainty_m=uncertainty,
    )
