"""Places named in a report: the road and house number, the compound or village, the
building, unit, floor and room, and landmarks, read from the address field and the text.

Two reports that name the same house number on the same road (or the same building of the
same compound) are most likely about one place; two that name different numbers on one road,
or different buildings of one compound, are about two places however alike their words are.
So digits are kept here where they name a place, while the text comparison drops them.

Names come from a gazetteer (the city's roads, compounds, landmarks and villages, loaded
from `HOTLINE_PLACES_FILE`, each with a point and how far it reaches) and, for names the
gazetteer does not know, from their suffixes (路, 街, 小区, 花园, 村, 小学, ...)."""

import json
import math
import re
import unicodedata
from collections.abc import Iterable
from dataclasses import dataclass
from functools import cache, lru_cache
from pathlib import Path
from typing import Any, NamedTuple

from app.geo.distance import METRES_PER_DEGREE_LAT

DEMO_PLACES_FILE = Path(__file__).resolve().parent.parent / "demo" / "places.json"

_HAN = "\u4e00-\u9fff"
_NUMERALS = {"零": 0, "一": 1, "二": 2, "两": 2, "三": 3, "四": 4, "五": 5}
_NUMERALS |= {"六": 6, "七": 7, "八": 8, "九": 9}
# "一栋楼" is "a building", not building 1: a lone 一 or 两 before 栋, 幢, 楼 or 层 is a count.
_CHINESE_NUMBER = re.compile(
    r"(?<![零一二两三四五六七八九十])([零一二两三四五六七八九十]{1,3})(?=号|栋|幢|座|单元|楼|层|室|组|期)"
    r"(?<!(?<![零一二两三四五六七八九十])[一两](?=[栋幢楼层]))"
)
# Characters and words that end the words before a place name: "反映府前路" names 府前路.
_BEFORE_NAME = re.compile(
    r".*(?:反映|来电|市民|投诉|举报|发现|巡查|位于|附近|对面|旁边|门口|路口|那边|这边|"
    r"[在的了到从往及或近靠沿是那这个边旁于向称区市镇乡说住家我你他她号道进：])",
    re.DOTALL,
)
# The longest boundary word, less the one character a match may start inside it.
_LOOK_BEHIND = 2
_ROAD_SUFFIX = "大道|大街|路|街(?!道)|巷|弄"  # 街道 is a subdistrict, not a street
# A number "附近" (as a phone's reverse geocoding words it) is only roughly the place.
# A web form's "No.210" is 210号.
_ROAD_NUMBER = re.compile(
    rf"([{_HAN}]{{1,5}}(?:{_ROAD_SUFFIX}))(?:(\d{{1,4}})号(?![楼院])|No\.?\s?(\d{{1,4}})(?!\d))"
    r"(附近|旁边|一带|周边)?",
    re.IGNORECASE,
)
_JUNCTION = re.compile(
    rf"([{_HAN}]{{1,5}}(?:{_ROAD_SUFFIX}))(?:与|和|跟|、)([{_HAN}]{{1,5}}(?:{_ROAD_SUFFIX}))"
    r"(?:交叉口|交汇处|十字路口|路口|丁字路口|交界)"
)
_COMPOUND_SUFFIX = (
    "小区|花园|新村|家园|公寓|大厦|华府|名城|雅苑|花苑|佳苑|嘉园|豪庭|华庭|山庄|社区|苑|村"
)
_COMPOUND = re.compile(rf"([{_HAN}]{{2,4}}?(?:{_COMPOUND_SUFFIX}))")
_LANDMARK_SUFFIX = (
    "小学|中学|一中|二中|医院|卫生院|公园|菜市场|农贸市场|超市|银行|车站|汽车站|幼儿园|大桥|"
    "广场(?!舞)|加油站|派出所|便利店|工业园|学校"
)
_LANDMARK = re.compile(rf"([{_HAN}A-Za-z]{{2,6}}?(?:{_LANDMARK_SUFFIX}))")
# The suffix of a name found by it: only the words before it are cut, never the suffix
# itself (小区 ends in 区, 菜市场 holds 市).
_SUFFIX = re.compile(f"(?:{_ROAD_SUFFIX}|{_COMPOUND_SUFFIX}|{_LANDMARK_SUFFIX})$")
# Towers are numbered or lettered (A座, B栋); a letter is not part of a Latin word.
_BUILDING = re.compile(r"(\d{1,3}|(?<![A-Za-z])[A-Za-z])(?:号楼|栋|幢|座|#楼|#)")
_UNIT = re.compile(r"(\d{1,2})单元")
# A room: a number after the building or unit (3栋701, 2单元302), or before 室 or 房.
_ROOM = re.compile(
    r"(?:栋|幢|号楼|单元|#)(\d{3,4})(?!\d)|(?<=\d)-(\d{3,4})(?![\d\-米元])|(?<!\d)(\d{3,4})(?:室|房|号房)"
)
# A flat written as building-unit-room or building-room (5-1-302, 3-701), as on web forms;
# not a range of amounts (20-300米, 50-100元).
_FLAT = re.compile(
    r"(?<![\d\-栋幢座#])(\d{1,2})-(?:(\d{1,2})-)?(\d{3,4})(?![\d\-米元块个次天年月日时分号人])"
)
_FLOOR = re.compile(r"(\d{1,2})(?:层|楼)(?![道梯房顶下上])")
_GROUP = re.compile(r"(\d{1,2})组")
# A compound's phase (溪南家园二期): each phase has its own building 3. Not 第二期, an issue.
_PHASE = re.compile(r"(?<![第\d])(\d{1,2})期")
# Which side of a place: the east gate is not the west gate, the two ends of a bridge are two.
# (Not a name that starts so: 南门小区, 东门菜市场, 西门社区.)
_PART = re.compile(
    rf"([东西南北])(?:边|面)?(?:(门)(?!{_COMPOUND_SUFFIX}|{_LANDMARK_SUFFIX}|街|路|大道|巷|市场)"
    r"|(侧|端|头|段|角|出口|入口|广场|桥头))"
)
_ROAD_IN_PREFIX = re.compile(f".*(?:{_ROAD_SUFFIX})")
# In the address field every road is a place (in free text 路 and 街 are everyday words too).
_ROAD = re.compile(rf"([{_HAN}]{{1,5}}?(?:{_ROAD_SUFFIX}))")
# What a suffix makes of an everyday word: not the name of a place.
_NOT_NAMES = frozenset(
    {"马路", "道路", "公路", "小路", "大路", "大街", "街道", "老街", "整个小区", "小区", "住宅小区"}
)


class GazetteerPlace(NamedTuple):
    name: str
    kind: str  # road | compound | landmark | village | community
    lat: float | None  # None: a name to read, with no point to locate by
    lon: float | None
    radius_m: float | None


@dataclass(frozen=True, eq=False)  # one per city and map: compared (and cached) by identity
class Gazetteer:
    """The city's named places, longest names first so the fullest name wins."""

    places: tuple[GazetteerPlace, ...]
    by_name: dict[str, GazetteerPlace]
    pattern: re.Pattern[str] | None

    @staticmethod
    def of(places: list[GazetteerPlace], aliases: dict[str, str] | None = None) -> "Gazetteer":
        by_name = {place.name: place for place in places}
        for alias, name in (aliases or {}).items():
            by_name.setdefault(alias, by_name[name])
        names = sorted(by_name, key=len, reverse=True)
        pattern = re.compile("|".join(map(re.escape, names))) if names else None
        return Gazetteer(tuple(places), by_name, pattern)


@cache
def load_gazetteer(path: Path | None = None) -> Gazetteer:
    """The gazetteer in `path` (a JSON file of `places`, each with `name`, `kind`, `lat`,
    `lon`, `radius_m` and optional `aliases`); the demo district's when None."""
    document = json.loads((path or DEMO_PLACES_FILE).read_text(encoding="utf-8"))
    places, aliases = [], {}
    for entry in document["places"]:
        point = entry.get("lat"), entry.get("lon"), entry.get("radius_m")
        lat, lon, radius = (None, None, None) if None in point else map(float, point)
        places.append(GazetteerPlace(entry["name"], entry["kind"], lat, lon, radius))
        for alias in entry.get("aliases", ()):
            aliases[alias] = entry["name"]
    return Gazetteer.of(places, aliases)


def community_place(name: str, boundary: Any) -> GazetteerPlace:
    """A community or village of the grid map (its boundary a shapely geometry in WGS-84) as
    a gazetteer place: at its centre, reaching as far as a circle of its area."""
    centre = boundary.centroid
    squeeze = math.cos(math.radians(centre.y))  # a degree east is shorter than one north
    radius = math.sqrt(boundary.area * squeeze / math.pi) * METRES_PER_DEGREE_LAT
    kind = "village" if name.endswith("村") else "community"
    return GazetteerPlace(name, kind, round(centre.y, 6), round(centre.x, 6), round(radius))


def with_grids(gazetteer: Gazetteer, communities: Iterable[GazetteerPlace]) -> Gazetteer:
    """`gazetteer` and the grid map's communities and villages (`community_place`); a name
    the city's own file has keeps the file's entry."""
    places = list(gazetteer.places)
    aliases = {name: place.name for name, place in gazetteer.by_name.items() if name != place.name}
    places += [place for place in communities if place.name not in gazetteer.by_name]
    return Gazetteer.of(places, aliases)


def _digits(match: re.Match[str]) -> str:
    numeral = match.group(1)
    if "十" in numeral:
        tens, _, ones = numeral.partition("十")
        value = _NUMERALS.get(tens, 1) * 10 + _NUMERALS.get(ones, 0) if tens or ones else 10
        return str(value)
    if all(char in _NUMERALS for char in numeral):
        return "".join(str(_NUMERALS[char]) for char in numeral)
    return numeral


def _name(raw: str, before: str = "") -> str | None:
    """A name found by its suffix, without the words before it. `before`: the characters
    the match follows, so a boundary word split by the match's start is still seen
    ("反映和平里小区" read from 映: 和平里小区)."""
    suffix = _SUFFIX.search(raw)
    cut = suffix.start() if suffix else len(raw)
    joined = before + raw[:cut]
    boundary = _BEFORE_NAME.match(joined)
    prefix = joined[max(boundary.end(), len(before)) :] if boundary else raw[:cut]
    if suffix and not re.fullmatch(_ROAD_SUFFIX, suffix.group()):
        # 南门街南门小区: the compound is 南门小区 (but 解放街菜市场 is named by its street).
        after_road = _ROAD_IN_PREFIX.sub("", prefix)
        prefix = after_road if len(after_road) >= 2 else prefix
    name = prefix + raw[cut:]
    if len(name) < 2 or name == raw[cut:] or name in _NOT_NAMES:
        return None
    return name


def _numbered(number: str) -> str:
    """07 and 7 are one number; a tower's letter is read in capitals."""
    return str(int(number)) if number.isdigit() else number.upper()


def _compound_key(name: str) -> str:
    # 紫阳小区 and 紫阳 are one compound.
    for suffix in ("小区", "社区"):
        if name.endswith(suffix) and len(name) > len(suffix) + 1:
            return name.removesuffix(suffix)
    return name


def clean(text: str) -> str:
    """Full-width letters and digits folded, Chinese numerals before 号, 栋, 楼, 单元, 室, 组
    made digits."""
    text = unicodedata.normalize("NFKC", text)
    return _CHINESE_NUMBER.sub(_digits, text)


_ROAD_END = re.compile(f"(?:{_ROAD_SUFFIX})$")


def _after_conjunction(address: str, found: re.Match[str]) -> str:
    """A road found in an address, without the word that joins it to the road before it
    (府前路和解放路); 和平路 at the start, or after a district, keeps its 和."""
    name = found.group()
    joined = found.start() > 0 and _ROAD_END.search(address, 0, found.start()) is not None
    return name[1:] if joined and name[0] in "和与跟及" else name


def address_keys(address: str, gazetteer: Gazetteer) -> frozenset[str]:
    """The places an address field names: as `place_keys`, and its roads without a number."""
    address = clean(address)
    roads = {_name(_after_conjunction(address, found)) for found in _ROAD.finditer(address)}
    return place_keys(address, gazetteer) | {f"R:{road}" for road in roads if road}


@lru_cache(maxsize=4096)
def place_keys(text: str, gazetteer: Gazetteer) -> frozenset[str]:
    """The places `text` names, as keys: `R:road`, `N:road:number`, `J:road+road`,
    `C:compound or village`, `L:landmark`, `B:building`, `U:unit`, `F:floor`, `H:room`,
    `G:village group`, `Q:phase of a compound`, `P:side of a place`."""
    text = clean(text)
    keys: set[str] = set()
    known_roads: set[str] = set()
    if gazetteer.pattern is not None:
        for found in gazetteer.pattern.finditer(text):
            place = gazetteer.by_name[found.group()]
            kind = {"road": "R", "landmark": "L"}.get(place.kind, "C")
            keys.add(f"{kind}:{_compound_key(place.name)}")
            if place.kind == "road":
                known_roads.add(place.name)
    for found in _ROAD_NUMBER.finditer(text):
        raw, written, spelt, roughly = found.groups()
        number = written or spelt
        road = next((r for r in known_roads if raw.endswith(r)), None) or _name(raw)
        if road is not None:
            keys |= {f"R:{road}", f"{'A' if roughly else 'N'}:{road}:{number}"}
    for found in _JUNCTION.finditer(text):
        roads = sorted(filter(None, map(_name, found.groups())))
        if len(roads) == 2:
            keys |= {f"R:{roads[0]}", f"R:{roads[1]}", f"J:{roads[0]}+{roads[1]}"}
    # A name the gazetteer knows, with words before it that the suffix took in (走访人民公园):
    # the gazetteer's name.
    known = tuple(key[2:] for key in keys if key[0] in "CL" and len(key) > 4)
    for pattern, kind in ((_COMPOUND, "C"), (_LANDMARK, "L")):
        for found in pattern.finditer(text):
            before = text[max(0, found.start(1) - _LOOK_BEHIND) : found.start(1)]
            name = _name(found.group(1), before)
            if (
                name is not None
                and not any(key.endswith(name) for key in keys)
                and not name.endswith(known)
            ):
                keys.add(f"{kind}:{_compound_key(name)}")
    # Numbers inside a compound: taken out of the text as they are read, so 7号楼 is not
    # also a 7th floor, nor a house number a room.
    rest = _ROAD_NUMBER.sub(" ", text)
    for building, unit, room in _FLAT.findall(rest):
        keys |= {f"B:{int(building)}", f"H:{int(room)}"} | ({f"U:{int(unit)}"} if unit else set())
    rest = _FLAT.sub(" ", rest)
    rooms = {int(a or b or c) for a, b, c in _ROOM.findall(rest)}
    kinds = ((_BUILDING, "B"), (_UNIT, "U"), (_GROUP, "G"), (_PHASE, "Q"), (_FLOOR, "F"))
    for pattern, kind in kinds:
        keys |= {f"{kind}:{_numbered(number)}" for number in pattern.findall(rest)}
        rest = pattern.sub(" ", rest)
    keys |= {
        f"P:{side}{_PART_WORD.get(gate or part, gate or part)}"
        for side, gate, part in _PART.findall(text)
    }
    keys |= {f"H:{room}" for room in rooms}
    return frozenset(keys)


# Words for one part of a place: the east side, end or corner are one part.
_PART_WORD = {
    "侧": "边", "端": "头", "段": "头", "桥头": "头", "角": "边", "入口": "门", "出口": "门"
}  # fmt: skip


class PlaceEvidence(NamedTuple):
    """What two reports' places say: the same place, two places, or the same area."""

    same: tuple[str, ...]  # keys both name that pin a place (a house number, a building)
    different: tuple[str, ...]  # what differs where both pin a place on one road or compound
    area: tuple[str, ...]  # roads, compounds, landmarks both name
    other_area: bool  # both name a compound or landmark (or both a road), none in common
    other_part: bool  # both name a side of a place (east gate, west end), not the same one


class Places:
    """A report's place keys read kind by kind, as `compare` looks them up: the values of
    each kind, and each road's house numbers."""

    __slots__ = ("kinds", "named", "numbers", "roads", "rough")

    def __init__(self, places: frozenset[str]) -> None:
        kinds: dict[str, set[str]] = {}
        numbers: dict[str, set[str]] = {}
        rough: dict[str, set[str]] = {}
        for key in places:
            kind, value = key[0], key[2:]
            kinds.setdefault(kind, set()).add(value)
            if kind in "NA":
                road, _, number = value.rpartition(":")
                (numbers if kind == "N" else rough).setdefault(road, set()).add(number)
        self.kinds = {kind: frozenset(values) for kind, values in kinds.items()}
        self.numbers = {road: frozenset(found) for road, found in numbers.items()}
        self.rough = {road: frozenset(found) for road, found in rough.items()}
        self.named = frozenset(key for key in places if key[0] in "CL")
        self.roads = frozenset(key for key in places if key[0] == "R")


class KeySet:
    """A report's stored keys: its words (W:) and problem words (K:), only ever looked up
    as sets, and its place keys, read kind by kind (`Places`) only when `compare` first
    asks: a search rules most rows out on their words, before their places are compared."""

    __slots__ = ("_places", "concepts", "places", "words")

    def __init__(self, keys: Iterable[str]) -> None:
        """`keys`: a set of keys, or their stored text (`keys_text`)."""
        split = _split_stored(keys) if isinstance(keys, str) else None
        if split is None:
            split = _split(keys.split() if isinstance(keys, str) else keys)
        words, concepts, places = split
        self.words = frozenset(words)
        self.concepts = frozenset(concepts)
        self.places = frozenset(places)
        self._places: Places | None = None

    def read(self) -> Places:
        """The place keys kind by kind (read once)."""
        found = self._places
        if found is None:
            found = self._places = Places(self.places)
        return found

    def of(self, kind: str) -> frozenset[str]:
        if kind == "W":
            return self.words
        if kind == "K":
            return self.concepts
        return self.read().kinds.get(kind, _NONE)


_Split = tuple[list[str], list[str], list[str]]


def _split(keys: Iterable[str]) -> _Split:
    """Words, problem words and place keys, in one pass over the keys."""
    words, concepts, places = [], [], []
    for key in keys:
        kind = key[0]
        if kind == "W":
            words.append(key[2:])
        elif kind == "K":
            concepts.append(key[2:])
        else:
            places.append(key)
    return words, concepts, places


def _split_stored(stored: str) -> _Split | None:
    """`_split` of a stored text, cut where its sorted keys change kind rather than key by
    key (a search reads the keys of a dozen rows, most of them words, which sort last); None
    when the text is not sorted as `keys_text` writes it."""
    if stored.startswith("W:"):
        head, tail = "", stored[2:]
    else:
        head, _, tail = stored.partition(" W:")
    # Words hold no colon: the words' part has one before each word but the first.
    words = tail.split(" W:") if tail else []
    if tail and tail.count(":") >= len(words):
        return None
    concepts, places = [], []
    for key in head.split():
        kind = key[0]
        if kind == "K":
            concepts.append(key[2:])
        elif kind == "W":
            return None
        else:
            places.append(key)
    return words, concepts, places


_NONE: frozenset[str] = frozenset()
NO_KEYS = KeySet(frozenset())

# A number given "附近" is near the place, not at it: this many numbers off is still near
# (numbers run odd on one side and even on the other, some 10 m apart).
ROUGH_NUMBERS = 10
# Two numbers given exactly this close are next door or across the road (120 and 121): as
# likely one problem seen from two doors as two problems, so neither same nor different.
NEXT_DOOR = 2


def _far(these: frozenset[str], those: frozenset[str], numbers: int = ROUGH_NUMBERS) -> bool:
    """Both give numbers, and every one of these is more than `numbers` off every one of those."""
    return bool(these and those) and all(
        abs(int(one) - int(other)) > numbers for one in these for other in those
    )


def _joined(values: frozenset[str]) -> str:
    return "/".join(sorted(values))


def compare(first: KeySet, second: KeySet) -> PlaceEvidence:
    """The place evidence of two reports' keys."""
    if not first.places or not second.places:
        return PlaceEvidence((), (), (), False, False)
    # The kinds looked up directly: a search compares a dozen rows, each kind by kind.
    first_places, second_places = first.read(), second.read()
    ones, others = first_places.kinds, second_places.kinds
    shared = first.places & second.places
    one_compound, other_compound = ones.get("C", _NONE), others.get("C", _NONE)
    # A community named after its compound (a QR poster's 长安社区, read 长安) and the
    # compound (长安花园): one place, named short and long.
    stems = _NONE
    if one_compound and other_compound and not one_compound & other_compound:
        stems = _stems(one_compound, other_compound)
    if stems:
        shared |= {f"C:{name}" for name in stems}
        one_compound, other_compound = one_compound | stems, other_compound | stems
    same = sorted(key for key in shared if key[0] in "NJ")
    different = []
    for road in ones.get("R", _NONE) & others.get("R", _NONE):
        one, other = first_places.numbers.get(road, _NONE), second_places.numbers.get(road, _NONE)
        one_rough, other_rough = (
            first_places.rough.get(road, _NONE),
            second_places.rough.get(road, _NONE),
        )
        # The number a phone placed a report near, given exactly by the other: one place.
        roughly_same = (one & other_rough) | (one_rough & other) | (one_rough & other_rough)
        same += [f"N:{road}:{number}" for number in sorted(roughly_same - (one & other))]
        if (
            _far(one, other, NEXT_DOOR)
            or _far(one_rough, other | other_rough)
            or _far(other_rough, one)
        ):
            one, other = one or one_rough, other or other_rough
            different.append(f"{road}{_joined(one)}号≠{_joined(other)}号")
    # Two phases of one compound are two places with buildings numbered alike.
    one_phase, other_phase = ones.get("Q", _NONE), others.get("Q", _NONE)
    phases_apart = bool(one_phase and other_phase and not one_phase & other_phase)
    compounds = _NONE if phases_apart else one_compound & other_compound
    for kind, word in _NUMBERED_PARTS:
        one, other = ones.get(kind, _NONE), others.get(kind, _NONE)
        if one and other:
            if one & other:
                if compounds or kind not in "BQ":
                    same.append(f"{kind}:{_joined(one & other)}")
            else:
                different.append(f"{_joined(one)}{word}≠{_joined(other)}{word}")
    one_room, other_room = ones.get("H", _NONE), others.get("H", _NONE)
    if one_room and other_room:
        if not one_room & other_room:
            different.append(f"{_joined(one_room)}室≠{_joined(other_room)}室")
        # The same room of the same building is one flat, unless both name compounds, not
        # one.
        other_compounds = one_compound and other_compound and not compounds
        buildings = ones.get("B", _NONE) & others.get("B", _NONE)
        if one_room & other_room and buildings and not other_compounds:
            same.append(f"H:{_joined(one_room & other_room)}")
    area = sorted(key for key in shared if key[0] in "RCL")
    # Two compounds or landmarks, none in common, are two places even on one road.
    named_apart = bool(
        first_places.named
        and second_places.named
        and not first_places.named & second_places.named
        and not stems
    )
    roads_apart = bool(
        first_places.roads and second_places.roads and not first_places.roads & second_places.roads
    )
    other_area = named_apart or (roads_apart and not area)
    one_part, other_part = ones.get("P", _NONE), others.get("P", _NONE)
    parts_differ = bool(one_part and other_part and not one_part & other_part)
    return PlaceEvidence(tuple(same), tuple(different), tuple(area), other_area, parts_differ)


_NUMBERED_PARTS = (("B", "栋"), ("U", "单元"), ("G", "组"), ("Q", "期"))
# The shortest name a longer one is read as the same place by: a community's two characters.
_STEM = 2


def _stems(these: frozenset[str], those: frozenset[str]) -> frozenset[str]:
    """The longer of each two compound names where one starts the other (长安 and 长安花园,
    红旗 and 红旗新村)."""
    return frozenset(
        longer
        for one in these
        for other in those
        for shorter, longer in (sorted((one, other), key=len),)
        if len(shorter) >= _STEM and longer.startswith(shorter)
    )


# A QR poster's report is sent from where the poster hangs (the community office), not from
# the problem, which may be anywhere the community's residents go past it.
QR_POSTER_REACH_M = 300.0


class Located(NamedTuple):
    """An address matched to the gazetteer: a point and how far the place may lie from it."""

    lat: float
    lon: float
    radius_m: float
    name: str


# The most precise kind of place wins: a landmark or compound before a road, a road before
# a village's whole land.
_PRECISION = {"landmark": 0, "compound": 1, "road": 2, "village": 3, "community": 4}


def locate(text: str, gazetteer: Gazetteer) -> Located | None:
    """The point an address (or a text) names, from the most precise gazetteer place it
    mentions; None when it names none."""
    if gazetteer.pattern is None:
        return None
    found = [gazetteer.by_name[m.group()] for m in gazetteer.pattern.finditer(clean(text))]
    located = [
        Located(place.lat, place.lon, place.radius_m, place.name)
        for place in sorted(found, key=lambda place: _PRECISION.get(place.kind, 5))
        if place.lat is not None and place.lon is not None and place.radius_m is not None
    ]
    return min(located, key=lambda place: place.radius_m) if located else None


def keys_text(keys: frozenset[str]) -> str:
    """Keys as stored on a ticket (`ticket.match_keys`): space-separated, sorted."""
    return " ".join(sorted(keys))


def keys_of(stored: str | None) -> KeySet:
    """Stored keys read back. Not cached: reading them takes microseconds, while a cache of
    them kept thousands of small sets alive, each one more for the garbage collector to go
    through (a quarter of a search's time at a million tickets, where few rows are read
    twice)."""
    return KeySet(stored) if stored else NO_KEYS
