"""Hand-labelled pairs of citizen reports, to measure a duplicate detector's precision and recall.

Each pair is two reports that could reach the dispatch centre of the demo district (建溪市潭城区
around 27.33 N, 118.12 E; see app/demo/city.py). A pair is labelled duplicate when both describe
the same real-world problem that is still open, that is what the centre would merge (bingdan);
otherwise it is not a duplicate. A problem that comes back after the first ticket was fixed and
closed, weeks later, is a new ticket: labelled not duplicate, with "recurrence" in its `why`.
Some labels are judgement calls and their `why` says what was decided: two members of one crew
owed wages by one foreman, or the two sides of one neighbour dispute, are one case; a crash that
broke a lamp post and a guardrail, or the repair crew's night noise after a burst main, is not.

How it was built: by hand, one scenario at a time, without reference to any detector. Texts are
written as each channel's people write them: a 12345 or Minsheng 110 agent's summary with the
address, a short photo-report caption (sometimes only "如图"), a grid worker's terse patrol note,
a resident's informal QR-poster complaint, a web form's title and body. Places are invented points
given in metres north and east of the district centre, laid out so that the distances quoted in
the `why` lines hold (about 10% either way). Each report's point is its place plus a hand-picked
offset: phone GPS noise (a few metres), a reporter across the street (30-60 m), an agent's address
geocoded to a compound, junction or road's middle (up to ~200 m), or a QR report placed at its
community office, where the poster hangs. A few duplicates are farther apart (a smell reported from
a home 360 m from the plant). Points are WGS-84, rounded to 6 decimals. Nothing is random.

Hard on purpose: duplicates across channels and categories (a loose manhole cover filed as noise,
a burst main as a road defect and as an outage), without location or category, hours to ten days
apart; look-alike non-duplicates at nearby places (lamps 30 m apart across a road, bins at two
buildings behind one QR poster, so one point), at one place with another problem, with the same
template text for other addresses, from the same caller about something else, and recurrences.

Counts: 251 pairs, 113 duplicates (45.0%) and 138 not. 17 non-duplicates are recurrences.
163 pairs mix two channels. 502 reports: hotline_12345 188, photo_report 108, qr_code 68,
grid_patrol 67, web 43, minsheng_110 28. 86 reports have no location, 23 no category; 49 of the
50 category codes are used (not 0605 供暖故障). 25 pairs share a caller's number (8 duplicates,
17 not); 8 pairs have identical texts (1 duplicate, 7 not).
"""

import math
from dataclasses import dataclass


@dataclass(frozen=True)
class Report:
    channel: str
    category_code: str | None  # a real demo code; None when the agent did not classify
    lat: float | None  # WGS-84; None for a call without a location
    lon: float | None
    minutes_after_first: int  # when it came in, minutes after the pair's first report
    text: str  # title + description as the citizen or agent wrote it
    phone: str | None  # the caller's number
    address: str | None = None  # the address field, when the channel has one filled in


@dataclass(frozen=True)
class LabelledPair:
    first: Report
    second: Report
    duplicate: bool
    why: str  # one short line: what makes it a duplicate or not


HOTLINE = "hotline_12345"
MINSHENG = "minsheng_110"
PHOTO = "photo_report"
QR = "qr_code"
PATROL = "grid_patrol"
WEB = "web"

HOUR = 60
DAY = 24 * HOUR
WEEK = 7 * DAY

_CENTRE_LAT = 27.33
_CENTRE_LON = 118.12
_METRES_PER_DEGREE = 6_371_008.8 * math.pi / 180

# A place is (metres north, metres east) of the district centre. The places are invented but laid
# out consistently, so that the distances the `why` lines quote can be checked.
Place = tuple[float, float]
Point = tuple[float, float]  # (lat, lon), WGS-84

# 潭城街道 / 东门街道: the old town north of the 潭溪.
YANGGUANG_GATE = (150.0, -300.0)  # 建安大道88号, 阳光花园 main gate
JIANAN_XINCUN_STOP = (560.0, -300.0)  # 建安大道, 建安新村 bus stop, 410 m north of No. 88
JIANAN_XINCUN = (640.0, -430.0)  # 建安新村 (old compound), building 7
JIANAN_XINCUN_POSTER = (700.0, -500.0)  # its community office, where the QR poster hangs
ZHONGSHAN_JIANAN = (300.0, -300.0)  # 中山路 / 建安大道 junction, traffic signals
ZHONGSHAN_120 = (300.0, 100.0)  # 中山路120号, 农业银行
XINHUADU = (300.0, 380.0)  # 新华都购物广场 on 中山路, 280 m east of No. 120
FUQIAN_12 = (12.0, -80.0)  # 府前路12号, north side
FUQIAN_13 = (-18.0, -75.0)  # 府前路13号, south side, across the road from No. 12
FUQIAN_JIEFANG = (0.0, 250.0)  # 府前路 / 解放街 junction
FUQIAN_MARKET = (-120.0, -150.0)  # 府前菜市场 front entrance
FUQIAN_MARKET_ALLEY = (-180.0, -170.0)  # the alley behind it
PEOPLE_PARK_N = (620.0, 300.0)  # 人民公园 north gate
PEOPLE_PARK_PLAY = (520.0, 330.0)  # 人民公园 children's playground
YIZHONG = (900.0, -100.0)  # 潭城一中
SHUFANG_MID = (1200.0, -800.0)  # 书坊街, middle section
GULOU_B2 = (280.0, -650.0)  # 鼓楼新村 building 2
GULOU_B5 = (320.0, -680.0)  # 鼓楼新村 building 5
GULOU_B9 = (390.0, -760.0)  # 鼓楼新村 building 9, about 110 m from building 5
GULOU_GATE = (260.0, -720.0)  # 鼓楼新村 gate
SHIYAN_GATE = (-200.0, 700.0)  # 人民路, 实验小学 main gate
SHIYAN_BACK = (-340.0, 790.0)  # 实验小学 back gate, about 170 m away
RENMIN_POSTER = (-150.0, 620.0)  # 人民社区 office, QR poster
RENMIN_JINJIANG = (-300.0, 1000.0)  # 人民路 / 锦江路 junction
HOSPITAL = (700.0, 800.0)  # 区人民医院 main gate
ZIYANG = (1100.0, 400.0)  # 紫阳小区
ZIYANG_B8 = (1160.0, 450.0)  # 紫阳小区 building 8
ZIYANG_SOUTH_GATE = (1020.0, 400.0)
ZIYANG_POSTER = (1080.0, 330.0)
JINJIANG = (-400.0, 1100.0)  # 锦江花园
JINJIANG_B3 = (-380.0, 1080.0)
JINJIANG_B8 = (-460.0, 1180.0)
JINJIANG_EAST_GATE = (-405.0, 1200.0)
JINJIANG_POSTER = (-410.0, 1120.0)
HEPINGLI = (800.0, 1200.0)  # 和平里小区
HEPINGLI_GATE = (760.0, 1150.0)
HEPINGLI_POSTER = (820.0, 1160.0)
GUIYUAN = (1500.0, 900.0)  # 桂园小区
GUIYUAN_POSTER = (1470.0, 850.0)
KTV = (370.0, 1400.0)  # 东门路, 金色年华KTV
LAOWANG_BBQ = (430.0, 1500.0)  # 东门美食街, 老王烧烤
CHUANWEI = (430.0, 1580.0)  # 东门美食街, 川味小馆, 80 m further on
DONGMEN_POSTER = (480.0, 1530.0)  # 东门 community office above the food street
DONGMEN_ROAD_32 = (290.0, 1560.0)  # 东门路32号
XINGCHEN_EDU = (300.0, 1640.0)  # 东门路, 星辰教育 (a tutoring school)
DONGMEN_MARKET = (350.0, 1700.0)  # 东门菜市场 refuse point
DONGMEN_ROAD_LAMP = (320.0, 1300.0)  # 东门路, a lamp by the 邮政 office

# Along the 潭溪 (the river runs east-west about 900 m south of the centre).
BINJIANG_PARK = (-880.0, 200.0)  # 滨江公园 main gate
BINJIANG_POSTER = (-720.0, 250.0)  # 滨江社区 office
BINJIANG_ROAD_E = (-900.0, 520.0)  # 滨江路 by 滨江华府
BINJIANG_HUAFU = (-800.0, 650.0)  # 滨江华府 building 2
BINJIANG_HUAFU_B5 = (-870.0, 740.0)  # 滨江华府 building 5
BINJIANG_HUAFU_POSTER = (-780.0, 600.0)
SHUINAN_BRIDGE = (-1000.0, 0.0)  # 水南大桥, mid-span
SEWAGE_OUTLET = (-940.0, -350.0)  # an outlet under the 滨江路 west embankment

# 水南街道, south of the river.
SHUINAN_MARKET = (-1500.0, 200.0)  # 水南农贸市场
HUIMIN = (-1450.0, 320.0)  # 惠民超市 水南店
HAOYOUDUO = (-1330.0, 240.0)  # 好又多便利店, 140 m from 惠民超市
XINAN_YAYUAN = (-1900.0, -700.0)  # 溪南雅苑
DONGFANG = (-2100.0, 900.0)  # 东方名城 building 9
DONGFANG_POSTER = (-2050.0, 830.0)
YUJINGWAN = (-850.0, 1300.0)  # 御景湾 (phase 1)
YUJINGWAN_POSTER = (-800.0, 1260.0)
YUJINGWAN_SITE = (-700.0, 1700.0)  # 御景湾 phase-2 building site
BUS_STATION = (-300.0, -1500.0)  # 汽车站

# 溪东街道, east.
XIDONG_SITE_A = (-550.0, 2300.0)  # 溪东路, building site opposite 锦绣花园
XIDONG_SITE_B = (-560.0, 2650.0)  # 溪东路, building site by the petrol station, 350 m on
XIDONG_ROAD_A = (-600.0, 2500.0)  # 溪东路 just past 锦绣路
XIDONG_ROAD_B = (-600.0, 3600.0)  # 溪东路 at the 工业园 gate, 1.1 km further east

# Towns and villages.
XIAYANG = (-3000.0, 3300.0)  # 莒口镇下洋村
CHANGPING = (-3500.0, 4000.0)  # 莒口镇长坪村
SHANGFANG = (-2800.0, 4600.0)  # 莒口镇上坊村
HOUSHAN = (3300.0, -2600.0)  # 将口镇后山村, No. 12
ZHANGBU = (4300.0, -2900.0)  # 将口镇樟埠村
XIYUAN = (3800.0, -4200.0)  # 将口镇溪源村
DONGSHAN = (5200.0, 2600.0)  # 崇雒镇东山村
ASPHALT_PLANT = (5000.0, 2000.0)  # 崇雒镇, an asphalt mixing plant
HUILONG_ROAD = (-4500.0, -5500.0)  # 回龙乡, the county road over the pass


def _at(place: Place, north: float = 0.0, east: float = 0.0) -> Point:
    """The WGS-84 point `north` and `east` metres from a place (flat-earth, fine at this scale)."""
    place_north, place_east = place
    lat = _CENTRE_LAT + (place_north + north) / _METRES_PER_DEGREE
    lon = _CENTRE_LON + (place_east + east) / (
        _METRES_PER_DEGREE * math.cos(math.radians(_CENTRE_LAT))
    )
    return round(lat, 6), round(lon, 6)


def _report(
    channel: str,
    category_code: str | None,
    point: Point | None,
    minutes_after_first: int,
    text: str,
    phone: str | None = None,
) -> Report:
    lat, lon = point if point is not None else (None, None)
    return Report(channel, category_code, lat, lon, minutes_after_first, text, phone)


def _duplicate(why: str, first: Report, second: Report) -> LabelledPair:
    return LabelledPair(first, second, duplicate=True, why=why)


def _distinct(why: str, first: Report, second: Report) -> LabelledPair:
    return LabelledPair(first, second, duplicate=False, why=why)


PAIRS: tuple[LabelledPair, ...] = (
    # ---------------------------------------------------------------------------------------
    # Street lights (0101): one dark lamp reaches the centre through several voices; other
    # dark lamps on the same road, in the same compound or across the street are other tickets.
    # ---------------------------------------------------------------------------------------
    _duplicate(
        "same dark lamp at the 阳光花园 gate: agent's summary vs a short photo report 40 m off",
        _report(
            HOTLINE,
            "0101",
            _at(YANGGUANG_GATE),
            0,
            "阳光花园门口路灯不亮。市民来电反映：潭城区建安大道88号阳光花园小区正门右手边的"
            "路灯已经连续三个晚上不亮，门口进出车辆和行人多，晚上很不安全，希望尽快派人维修。",
            phone="13805991234",
        ),
        _report(
            PHOTO,
            "0101",
            _at(YANGGUANG_GATE, 25, 30),
            11 * HOUR,
            "阳光花园门口这个路灯坏了好几天了",
        ),
    ),
    _duplicate(
        "same lamp at the 府前路/解放街 corner: terse patrol note, then a call without location",
        _report(
            PATROL,
            "0101",
            _at(FUQIAN_JIEFANG, 8, 12),
            0,
            "巡查发现：府前路与解放街交叉口东北角路灯不亮，已拍照上报。",
        ),
        _report(
            HOTLINE,
            "0101",
            None,
            DAY + 2 * HOUR,
            "来电人反映府前路和解放街路口那盏路灯晚上不亮，骑电动车经过看不清路面，要求尽快修复。",
            phone="15959961102",
        ),
    ),
    _duplicate(
        "same flickering lamp at 滨江公园 gate; the QR point is the community office 170 m away",
        _report(
            PHOTO,
            "0101",
            _at(BINJIANG_PARK, 5, -10),
            0,
            "滨江公园门口路灯一闪一闪的",
            phone="18650601234",
        ),
        _report(
            QR,
            "0101",
            _at(BINJIANG_POSTER),
            2 * DAY + 3 * HOUR,
            "滨江公园大门口那盏路灯一直闪，我家就在对面楼上，晚上晃得睡不着，麻烦来修一下。",
        ),
    ),
    _duplicate(
        "same dead lamps on 书坊街: an unclassified web form vs the patrol, points 140 m apart",
        _report(
            WEB,
            None,
            _at(SHUFANG_MID, -60, 40),
            0,
            "书坊街路灯大面积不亮\n书坊街中段从新华书店到菜鸟驿站那一段，大概五六盏路灯全都不亮，"
            "整条街黑乎乎的，已经一个多星期了。",
        ),
        _report(
            PATROL,
            "0101",
            _at(SHUFANG_MID, 30, -70),
            3 * HOUR,
            "书坊街中段路灯成片不亮约6盏，疑似线路故障。",
        ),
    ),
    _duplicate(
        "same caller chasing the same unrepaired lamp 3 days later; no address re-entered",
        _report(
            HOTLINE,
            "0101",
            _at(ZHONGSHAN_120),
            0,
            "中山路120号门口路灯不亮。市民来电反映：中山路120号（农业银行旁）门口路灯不亮，"
            "晚上店铺关门后整段路很暗，请维修。",
            phone="13960612345",
        ),
        _report(
            HOTLINE,
            "0101",
            None,
            3 * DAY + 40,
            "来电人称3天前反映过中山路农行门口路灯不亮的问题，至今仍未修复，要求催办。",
            phone="13960612345",
        ),
    ),
    _duplicate(
        "same lamp post knocked askew at 新华都, two passers-by 20 m apart, two categories",
        _report(PHOTO, "0101", _at(XINHUADU, -10, 5), 0, "路灯杆被车撞歪了，快倒了！"),
        _report(
            PHOTO,
            "0505",
            _at(XINHUADU, 2, -8),
            30,
            "新华都门口这根路灯杆歪了，好危险，赶紧来处理一下",
            phone="17750123388",
        ),
    ),
    _duplicate(
        "same lamp at the 长坪村 bridge; the call is geocoded to the village centre ~190 m off",
        _report(PATROL, "0101", _at(CHANGPING, 20, 30), 0, "长坪村村口石桥头路灯不亮。"),
        _report(
            HOTLINE,
            "0101",
            _at(CHANGPING, -120, -100),
            20 * HOUR,
            "莒口镇长坪村村民来电：村口石桥边上的路灯坏了一个星期了，晚上老人小孩过桥看不见，"
            "怕掉下去，请镇里派人修一下。",
            phone="13489761023",
        ),
    ),
    _duplicate(
        "same lamps burning in daylight at 人民公园 north gate; the web form has no point",
        _report(PHOTO, "0101", _at(PEOPLE_PARK_N, 3, 4), 0, "白天路灯还亮着，浪费电"),
        _report(
            WEB,
            "0101",
            None,
            2 * DAY,
            "人民公园北门路灯白天常亮\n人民公园北门那一排路灯白天也一直亮着，连续好几天了，"
            "建议检查一下控制开关，节约用电。",
        ),
    ),
    _duplicate(
        "same lamp by the 东门路 post office; the call is geocoded to the road's middle, 200 m off",
        _report(
            HOTLINE,
            "0101",
            _at(DONGMEN_ROAD_LAMP, -30, 195),
            0,
            "东门路路灯不亮。来电人反映：东门路邮政局门口的路灯坏了半个月，晚上取快递看不清路，"
            "请维修。",
            phone="18905990417",
        ),
        _report(
            PATROL, "0101", _at(DONGMEN_ROAD_LAMP, 4, -6), 6 * HOUR, "东门路邮政局门前路灯不亮。"
        ),
    ),
    _duplicate(
        "same dead lamp in the 长坪村 lane, phrased as 'the lamp went blind' by a Minsheng caller",
        _report(
            MINSHENG,
            "0101",
            None,
            0,
            "民生110转：来电人称长坪村村口桥头那个灯瞎了好多天，晚上过桥要打手电，请有关部门处理。",
            phone="15806093311",
        ),
        _report(PHOTO, "0101", _at(CHANGPING, 25, 26), 2 * DAY, "桥头的灯还是不亮"),
    ),
    _distinct(
        "two dark lamps on 建安大道 about 400 m apart: 阳光花园 gate vs 建安新村 bus stop",
        _report(PHOTO, "0101", _at(YANGGUANG_GATE, 10, 8), 0, "阳光花园门口路灯不亮"),
        _report(
            PHOTO,
            "0101",
            _at(JIANAN_XINCUN_STOP, -6, 10),
            2 * HOUR,
            "建安新村公交站旁边路灯不亮，等车黑灯瞎火的",
        ),
    ),
    _distinct(
        "different lamps on 中山路 280 m apart: the bank at No. 120 vs the 新华都 main gate",
        _report(PATROL, "0101", _at(ZHONGSHAN_120, 5, -5), 0, "中山路120号农行门口路灯不亮。"),
        _report(
            HOTLINE,
            "0101",
            _at(XINHUADU),
            DAY,
            "市民来电反映：中山路新华都购物广场正门西侧路灯不亮，晚上逛街的人多，希望尽快修复。",
            phone="13599410027",
        ),
    ),
    _distinct(
        "two lamps in 锦江花园 (behind building 3 vs the east gate); same QR poster, same point",
        _report(QR, "0101", _at(JINJIANG_POSTER), 0, "3栋后面小路的路灯坏了，晚上倒垃圾看不见"),
        _report(QR, "0101", _at(JINJIANG_POSTER), 4 * HOUR, "东门门口那盏路灯不亮，车进出看不清"),
    ),
    _distinct(
        "lamps facing each other across 府前路 (No. 12 north side vs No. 13 south side), 30 m",
        _report(PHOTO, "0101", _at(FUQIAN_12), 0, "府前路12号门口路灯不亮", phone="13107752210"),
        _report(
            PATROL,
            "0101",
            _at(FUQIAN_13),
            3 * DAY,
            "府前路13号（路南侧）门前路灯灯罩脱落，灯不亮，已上报。",
        ),
    ),
    _distinct(
        "recurrence: the No. 120 lamp was repaired and closed, then failed again 5 weeks later",
        _report(PHOTO, "0101", _at(ZHONGSHAN_120, 4, -6), 0, "农行门口路灯不亮"),
        _report(
            HOTLINE,
            "0101",
            _at(ZHONGSHAN_120),
            5 * WEEK,
            "市民来电反映：中山路120号农行门口的路灯上个月修好后又不亮了，请再次派人维修。",
            phone="13960612345",
        ),
    ),
    _distinct(
        "same junction, different kit: a dark street light vs dead traffic signals",
        _report(PHOTO, "0101", _at(ZHONGSHAN_JIANAN, 12, -15), 0, "路口路灯不亮"),
        _report(
            MINSHENG,
            "0505",
            _at(ZHONGSHAN_JIANAN),
            HOUR,
            "民生110转：中山路与建安大道交叉口红绿灯全部熄灭，车辆抢行，容易出事故，请尽快处置。",
            phone="18659912040",
        ),
    ),
    _distinct(
        "same lamp post at the 阳光花园 gate, but about flyers pasted on it, not the light",
        _report(PHOTO, "0101", _at(YANGGUANG_GATE, 10, 8), 0, "阳光花园门口路灯不亮"),
        _report(
            PHOTO,
            None,
            _at(YANGGUANG_GATE, 12, 5),
            DAY,
            "路灯杆上贴满了办证、贷款的小广告，太难看了",
        ),
    ),
    _distinct(
        "a public street lamp vs a courtyard lamp inside 锦江花园 (property's), 90 m apart",
        _report(
            PATROL, "0101", _at(JINJIANG_EAST_GATE, 5, 10), 0, "锦江花园东门外人行道路灯不亮。"
        ),
        _report(
            QR,
            "0801",
            _at(JINJIANG_POSTER),
            5 * HOUR,
            "小区里面中心花园的庭院灯坏了一个月了，物业一直不修",
        ),
    ),
    _distinct(
        "the same user sent two photos a minute apart, 50 m apart: a dark lamp and a pothole",
        _report(PHOTO, "0101", _at(YANGGUANG_GATE, 5, 5), 0, "路灯不亮", phone="18150662791"),
        _report(PHOTO, "0104", _at(YANGGUANG_GATE, 50, 15), 1, "这里有个坑", phone="18150662791"),
    ),
    _distinct(
        "recurrence: the 东门路 lamp was fixed and the ticket closed; dark again two months on",
        _report(PATROL, "0101", _at(DONGMEN_ROAD_LAMP, 4, -6), 0, "东门路邮政局门前路灯不亮。"),
        _report(
            PATROL,
            "0101",
            _at(DONGMEN_ROAD_LAMP, -3, 2),
            9 * WEEK,
            "东门路邮政局门前路灯再次不亮，灯头疑似进水。",
        ),
    ),
    # ---------------------------------------------------------------------------------------
    # Refuse (0102) and dumping (0205): the same heap under different names; bins at other
    # buildings; heaps that come back after they were cleared.
    # ---------------------------------------------------------------------------------------
    _duplicate(
        "same overflowing bins under 锦江花园 building 3; the QR point is the poster 60 m away",
        _report(
            QR,
            "0102",
            _at(JINJIANG_POSTER),
            0,
            "3栋楼下垃圾桶满了两天没人清，苍蝇到处飞，臭得不行",
        ),
        _report(
            PHOTO, "0102", _at(JINJIANG_B3, 6, -4), 6 * HOUR, "垃圾满出来了", phone="15880237719"
        ),
    ),
    _duplicate(
        "same heap behind 府前菜市场: a call geocoded to the front entrance vs the patrol, 60 m",
        _report(
            HOTLINE,
            "0102",
            _at(FUQIAN_MARKET),
            0,
            "府前菜市场后门垃圾堆积。来电人反映：府前菜市场后门巷子里垃圾堆了好几天，菜叶、鱼鳞"
            "都烂了发臭，周边住户窗户都不敢开，请环卫部门尽快清运。",
            phone="13615098834",
        ),
        _report(
            PATROL,
            "0102",
            _at(FUQIAN_MARKET_ALLEY),
            14 * HOUR,
            "府前菜市场后巷垃圾未及时清运，已通知环卫。",
        ),
    ),
    _duplicate(
        "same user photographing the same 东门菜市场 refuse point again two days later",
        _report(
            PHOTO,
            "0102",
            _at(DONGMEN_MARKET, -20, 15),
            0,
            "东门菜市场垃圾站满了，垃圾堆到路上了",
            phone="18759913456",
        ),
        _report(
            PHOTO,
            "0102",
            _at(DONGMEN_MARKET, -16, 9),
            2 * DAY + 5 * HOUR,
            "两天了还没清！越堆越多",
            phone="18759913456",
        ),
    ),
    _duplicate(
        "same sofa and mattresses outside 紫阳小区 south gate, filed as refuse and as dumping",
        _report(QR, "0102", _at(ZIYANG_POSTER), 0, "小区南门外面有人扔了旧沙发和床垫，好几天了"),
        _report(
            HOTLINE,
            "0205",
            _at(ZIYANG_SOUTH_GATE),
            DAY,
            "市民来电反映：紫阳小区南门外人行道上堆放废旧沙发、床垫等大件垃圾，占用人行道，"
            "行人只能走机动车道，请尽快清理。",
            phone="13850906672",
        ),
    ),
    _duplicate(
        "same filthy sorting kiosk at 御景湾 north gate: web form, then QR report 3 days later",
        _report(
            WEB,
            "0102",
            _at(YUJINGWAN, 30, 20),
            0,
            "御景湾小区垃圾分类投放点脏乱\n小区北门垃圾分类亭周边污水横流，垃圾桶破损，"
            "已经持续一周，物业和环卫互相推诿。",
        ),
        _report(
            QR,
            "0102",
            _at(YUJINGWAN_POSTER),
            3 * DAY,
            "北门垃圾亭那里又脏又臭，地上全是污水，没人管",
        ),
    ),
    _duplicate(
        "same dead dog on 滨江路: photo 'as shown' and a caller who names the spot, 25 m apart",
        _report(PHOTO, "0102", _at(BINJIANG_ROAD_E, 10, -30), 0, "如图，路中间"),
        _report(
            HOTLINE,
            None,
            _at(BINJIANG_ROAD_E, -5, -50),
            50,
            "来电人反映：滨江路滨江华府门口往西一点，机动车道上有一条死狗，被车压过好几次了，"
            "请环卫清理。",
            phone="13003851126",
        ),
    ),
    _duplicate(
        "same 樟埠村 refuse pool overflowing: villager's QR scan vs the grid worker's note",
        _report(
            QR,
            "0102",
            _at(ZHANGBU, 60, -80),
            0,
            "村口垃圾池满了一个星期了没人来拉，下雨污水流到田里",
        ),
        _report(
            PATROL,
            "0102",
            _at(ZHANGBU, 5, 10),
            DAY + 3 * HOUR,
            "樟埠村村口垃圾池满溢，清运不及时，已联系镇环卫站。",
        ),
    ),
    _duplicate(
        "same builders' rubble dumped overnight on the 溪东路 verge: patrol vs photo 20 m apart",
        _report(
            PATROL,
            "0205",
            _at(XIDONG_ROAD_B, 40, -200),
            0,
            "溪东路东段路边绿化带被倾倒建筑垃圾约10方。",
        ),
        _report(
            PHOTO,
            "0205",
            _at(XIDONG_ROAD_B, 30, -185),
            3 * HOUR,
            "昨晚有人往这里倒了一大堆装修垃圾",
            phone="15259970043",
        ),
    ),
    _duplicate(
        "same lorries tipping spoil on the 长坪村 stream bank: Minsheng call vs web, two codes",
        _report(
            MINSHENG,
            "0205",
            None,
            0,
            "民生110转：莒口镇长坪村溪边夜里有渣土车偷倒渣土，来电人称已连续两晚。",
            phone="13365097720",
        ),
        _report(
            WEB,
            "0203",
            _at(CHANGPING, 150, -60),
            DAY,
            "长坪村溪边被倒渣土\n长坪村下游溪边这几天晚上有渣土车来倒土，已经把半条溪堵住了，"
            "下雨的话水要漫进田里。",
        ),
    ),
    _duplicate(
        "same rubble pile at the 鼓楼新村 gate; the photo says only 'who dumped this'",
        _report(
            QR,
            "0205",
            _at(GULOU_GATE, 60, 30),
            0,
            "小区门口不知道谁家装修把建筑垃圾倒在那里，挡住一半路了",
        ),
        _report(PHOTO, "0205", _at(GULOU_GATE, 3, -2), 5 * HOUR, "谁倒的？？"),
    ),
    _distinct(
        "bins at two different 锦江花园 buildings (3 and 8); same poster, same point",
        _report(QR, "0102", _at(JINJIANG_POSTER), 0, "3栋楼下垃圾桶满了没人清"),
        _report(
            QR,
            "0102",
            _at(JINJIANG_POSTER),
            3 * HOUR,
            "8栋后面垃圾桶满了，还有人把装修垃圾扔在旁边",
        ),
    ),
    _distinct(
        "recurrence: the heap behind 府前菜市场 was cleared and closed; a new one 3 weeks later",
        _report(
            PATROL,
            "0102",
            _at(FUQIAN_MARKET_ALLEY),
            0,
            "府前菜市场后巷垃圾堆积，已通知环卫。",
        ),
        _report(
            HOTLINE,
            "0102",
            _at(FUQIAN_MARKET),
            3 * WEEK,
            "来电人反映府前菜市场后门又堆满垃圾了，上次清理后没多久又这样，希望建立长效机制。",
            phone="13615098834",
        ),
    ),
    _distinct(
        "recurrence: the 御景湾 kiosk was cleaned and closed; filthy again four weeks later",
        _report(
            QR, "0102", _at(YUJINGWAN_POSTER), 0, "北门垃圾亭那里又脏又臭，地上全是污水，没人管"
        ),
        _report(
            QR,
            "0102",
            _at(YUJINGWAN_POSTER),
            4 * WEEK,
            "上次反映后北门垃圾亭清理过一次，现在又满地污水了",
        ),
    ),
    _distinct(
        "two rubble dumps on 溪东路 840 m apart: the 工业园 verge vs past 锦绣路",
        _report(
            PATROL,
            "0205",
            _at(XIDONG_ROAD_B, 40, -200),
            0,
            "溪东路东段路边绿化带被倾倒建筑垃圾约10方。",
        ),
        _report(
            PATROL,
            "0205",
            _at(XIDONG_ROAD_A, 30, 60),
            2 * HOUR,
            "溪东路锦绣路口往东人行道旁堆放装修垃圾约3方。",
        ),
    ),
    _distinct(
        "same bridge, different problem: red water in the 潭溪 vs floating rubbish under it",
        _report(PHOTO, "0203", _at(SHUINAN_BRIDGE, 0, 5), 0, "潭溪水变成红色的了"),
        _report(
            PHOTO,
            "0102",
            _at(SHUINAN_BRIDGE, 10, -5),
            3 * DAY,
            "桥底下漂了一大片塑料瓶泡沫盒，好几天没人捞",
        ),
    ),
    _distinct(
        "same grid worker, same grid, 30 min and 100 m apart: full bins vs a street stall",
        _report(PATROL, "0102", _at(DONGMEN_MARKET, -20, 15), 0, "东门菜市场垃圾站满溢。"),
        _report(
            PATROL,
            "0305",
            _at(DONGMEN_MARKET, 60, -60),
            30,
            "东门路菜市场北侧流动摊贩占道经营，已劝离。",
        ),
    ),
    # ---------------------------------------------------------------------------------------
    # Illegal building (0103), unsafe buildings (0703), land taken illegally (1005).
    # ---------------------------------------------------------------------------------------
    _duplicate(
        "same rooftop steel shed on 鼓楼新村 building 5; the call had no point, the web form does",
        _report(
            HOTLINE,
            "0103",
            None,
            0,
            "鼓楼新村5栋顶楼违建。市民来电反映：鼓楼新村5栋601住户正在楼顶搭建彩钢房，已经施工"
            "两天，担心楼顶承重和漏水，请城管部门制止。",
            phone="13706980152",
        ),
        _report(
            WEB,
            "0103",
            _at(GULOU_B5, 10, -15),
            4 * DAY,
            "举报鼓楼新村5号楼楼顶违章搭建\n5号楼顶楼住户在楼顶平台搭彩钢棚，电焊声音很大，"
            "现在已经基本成型，请尽快拆除。",
        ),
    ),
    _duplicate(
        "same ground-floor wall swallowing a green strip in 建安新村: patrol vs photo 2 days on",
        _report(
            PATROL,
            "0103",
            _at(JIANAN_XINCUN, 15, 10),
            0,
            "建安新村7栋一楼住户私自外扩院墙，侵占公共绿地约20平方米。",
        ),
        _report(
            PHOTO,
            "0103",
            _at(JIANAN_XINCUN, 22, -3),
            2 * DAY,
            "一楼在砌墙把绿化带圈进自己院子了，有人管吗",
        ),
    ),
    _duplicate(
        "same roof structure on 和平里 building 12, reported again a week later as still going on",
        _report(QR, "0103", _at(HEPINGLI_POSTER), 0, "12栋楼顶有人在搭棚子，天天敲敲打打"),
        _report(
            HOTLINE,
            "0103",
            _at(HEPINGLI, 40, -30),
            WEEK + 2 * HOUR,
            "来电人反映：上周已在社区扫码反映和平里小区12栋楼顶违章搭建，目前仍在继续施工，"
            "无人制止，要求尽快查处。",
            phone="15985990381",
        ),
    ),
    _duplicate(
        "same cracked walls of 鼓楼新村 building 2: call geocoded to the gate, web form 5 days on",
        _report(
            HOTLINE,
            "0703",
            _at(GULOU_GATE),
            0,
            "来电人反映：鼓楼新村2栋是八十年代老房子，近期外墙出现多条裂缝，最宽的能塞进手指，"
            "楼梯间墙皮大块脱落，担心房屋倒塌，请鉴定。",
            phone="13859069914",
        ),
        _report(
            WEB,
            "0703",
            _at(GULOU_B2, 5, 5),
            5 * DAY,
            "鼓楼新村2号楼墙体开裂\n2号楼外墙裂缝越来越大，雨天室内渗水，住了二十多户，"
            "请住建部门尽快安排房屋安全鉴定。",
        ),
    ),
    _duplicate(
        "same shop knocking out a load-bearing wall: illegal works vs unsafe building, one case",
        _report(
            HOTLINE,
            "0703",
            _at(ZHONGSHAN_120, 5, 40),
            0,
            "来电人反映：中山路124号一楼商铺装修，工人把承重墙拆掉了一大半，楼上住户墙面开裂，"
            "担心楼塌，请住建部门立即制止。",
            phone="13950638870",
        ),
        _report(
            PATROL,
            "0103",
            _at(ZHONGSHAN_120, 8, 45),
            2 * HOUR,
            "中山路124号一楼商铺装修擅自拆改承重墙，已责令停工。",
        ),
    ),
    _duplicate(
        "same house going up on farmland in 上坊村: patrol note vs a web tip-off 3 days later",
        _report(
            PATROL,
            "1005",
            _at(SHANGFANG, 10, 10),
            0,
            "上坊村村民在基本农田上打地基建房，约120平方米，已制止并上报。",
        ),
        _report(
            WEB,
            "1005",
            None,
            3 * DAY,
            "举报上坊村占用耕地建房\n上坊村村道边一块水稻田，有人把田填了正在起房子，"
            "已经打好地基了，请国土部门查处。",
        ),
    ),
    _duplicate(
        "same leaning wall of an empty house over the 东山村 road: patrol vs photo, two codes",
        _report(
            PATROL,
            "0703",
            _at(DONGSHAN, 0, 0),
            0,
            "东山村村道旁一处闲置土坯房山墙倾斜，随时可能倒向道路，已拉警戒线。",
        ),
        _report(
            PHOTO,
            "0705",
            _at(DONGSHAN, 18, -12),
            HOUR,
            "这面墙歪成这样了，小孩放学天天从这走",
            phone="15160671922",
        ),
    ),
    _distinct(
        "two rooftop sheds in 鼓楼新村, on buildings 5 and 9 about 110 m apart",
        _report(
            HOTLINE,
            "0103",
            _at(GULOU_B5),
            0,
            "来电人反映：鼓楼新村5栋顶楼住户在楼顶搭建彩钢房，请城管部门制止。",
            phone="13706980152",
        ),
        _report(
            PHOTO,
            "0103",
            _at(GULOU_B9, 5, 5),
            2 * DAY,
            "9栋楼顶也在搭违建了，彩钢瓦都运上去了",
        ),
    ),
    _distinct(
        "same building, different problem: rooftop shed on building 5 vs bikes charging inside it",
        _report(
            WEB,
            "0103",
            _at(GULOU_B5, 10, -15),
            0,
            "举报鼓楼新村5号楼楼顶违章搭建\n5号楼顶楼住户在楼顶平台搭彩钢棚，请尽快拆除。",
        ),
        _report(
            QR,
            "0701",
            _at(GULOU_GATE, 30, 20),
            DAY,
            "5栋一楼楼道里停满电动车，还有人从家里拉电线下来充电",
        ),
    ),
    _distinct(
        "recurrence: the 和平里 building 12 shed was demolished and closed; rebuilt 2 months later",
        _report(QR, "0103", _at(HEPINGLI_POSTER), 0, "12栋楼顶有人在搭棚子，天天敲敲打打"),
        _report(
            QR,
            "0103",
            _at(HEPINGLI_POSTER),
            9 * WEEK,
            "12栋楼顶之前拆掉的棚子又搭起来了，这次还加了一层",
        ),
    ),
    _distinct(
        "two houses going up on farmland in 上坊村, one by the village road, one up the valley",
        _report(
            PATROL,
            "1005",
            _at(SHANGFANG, 10, 10),
            0,
            "上坊村村民在基本农田上打地基建房，约120平方米，已制止并上报。",
        ),
        _report(
            HOTLINE,
            "1005",
            _at(SHANGFANG, 520, 380),
            4 * DAY,
            "来电人反映：上坊村后垄山脚有村民在林地里开挖平整土地，准备建养猪场，请查处。",
            phone="18259981066",
        ),
    ),
    _distinct(
        "鼓楼新村, different problem 50 m apart: building 2's cracked walls vs building 5's shed",
        _report(
            WEB,
            "0703",
            _at(GULOU_B2, 5, 5),
            0,
            "鼓楼新村2号楼墙体开裂\n2号楼外墙裂缝越来越大，请住建部门尽快安排房屋安全鉴定。",
        ),
        _report(PHOTO, "0103", _at(GULOU_B5, 3, 3), 6 * HOUR, "5栋楼顶搭了个铁皮房"),
    ),
    # ---------------------------------------------------------------------------------------
    # Roads (0104) and manhole covers (0105).
    # ---------------------------------------------------------------------------------------
    _duplicate(
        "same sunken patch outside 新华都: a photo and the patrol that fenced it off, 3 h later",
        _report(PHOTO, "0104", _at(XINHUADU, -18, 25), 0, "路面塌了个坑", phone="13799102258"),
        _report(
            PATROL,
            "0104",
            _at(XINHUADU, -25, 30),
            3 * HOUR,
            "中山路新华都门口非机动车道路面塌陷，约1米见方，已设置围挡。",
        ),
    ),
    _duplicate(
        "same pothole on 溪东路: the call is geocoded to the junction, the photo 140 m east",
        _report(
            HOTLINE,
            "0104",
            _at(XIDONG_ROAD_A),
            0,
            "溪东路路面坑洼。市民来电反映：溪东路往工业园方向，锦绣路口过去一点，路中间有个大坑，"
            "昨晚有骑电动车的摔倒了，请尽快修补。",
            phone="18060912273",
        ),
        _report(
            PHOTO,
            "0104",
            _at(XIDONG_ROAD_A, 10, 140),
            9 * HOUR,
            "这个坑太危险了，晚上根本看不见",
        ),
    ),
    _duplicate(
        "same loose paving at the hospital gate; unclassified because the caller wants damages",
        _report(PHOTO, "0104", _at(HOSPITAL, -30, 10), 0, "医院门口人行道地砖翘起来了"),
        _report(
            HOTLINE,
            None,
            _at(HOSPITAL),
            DAY + 4 * HOUR,
            "来电人反映：区人民医院大门口人行道地砖松动翘起，其母亲昨天看病时被绊倒摔伤，"
            "要求尽快修复并追究责任。",
            phone="13559960481",
        ),
    ),
    _duplicate(
        "same water-filled pothole at the bus station exit: Minsheng call vs a driver's photo",
        _report(
            MINSHENG,
            "0104",
            _at(BUS_STATION, 40, 60),
            0,
            "民生110转：汽车站出站口路面有一个大坑，下雨积水看不出深浅，已有车辆爆胎，请相关部门处置。",
            phone="13860623390",
        ),
        _report(
            PHOTO,
            "0104",
            _at(BUS_STATION, 55, 75),
            2 * HOUR,
            "车站门口这个水坑把我车胎扎爆了",
            phone="15080619023",
        ),
    ),
    _duplicate(
        "same settled pipe trench at 溪南雅苑: web form without a point vs patrol 2 days later",
        _report(
            WEB,
            "0104",
            None,
            0,
            "溪南路燃气管道开挖后路面沉降\n溪南雅苑门口前段时间燃气公司挖路埋管，回填后没压实，"
            "现在路面下沉十几公分，车子经过很颠。",
        ),
        _report(
            PATROL,
            "0104",
            _at(XINAN_YAYUAN, 70, 30),
            2 * DAY,
            "溪南雅苑门口管线回填路面沉降约15cm，长约8米。",
        ),
    ),
    _duplicate(
        "same broken surface by 水南农贸市场; the photo report says only 'see photo', 14 m apart",
        _report(PHOTO, "0104", _at(SHUINAN_MARKET, 30, -40), 0, "如图"),
        _report(
            PATROL,
            "0104",
            _at(SHUINAN_MARKET, 38, -52),
            5 * HOUR,
            "水南农贸市场北侧路口路面破损。",
        ),
    ),
    _duplicate(
        "same storm-felled tree across 滨江路: one report unclassified, one filed as congestion",
        _report(PHOTO, None, _at(BINJIANG_ROAD_E, 4, -6), 0, "大树倒了把路堵了"),
        _report(
            MINSHENG,
            "0503",
            _at(BINJIANG_ROAD_E, 30, 60),
            40,
            "民生110转：市民反映滨江路靠近滨江华府路段一棵大树被风刮倒，横在路中间，车辆无法通行，"
            "请尽快处置。",
            phone="18006093347",
        ),
    ),
    _duplicate(
        "same broken joint on 水南大桥: an unlocated QR noise report vs the patrol's road defect",
        _report(
            QR,
            "0201",
            None,
            0,
            "水南大桥上那个伸缩缝坏了，每辆车过去都咣的一声，半夜大车过吵得睡不着",
        ),
        _report(
            PATROL,
            "0104",
            _at(SHUINAN_BRIDGE, 110, 5),
            2 * DAY,
            "水南大桥北桥头伸缩缝钢板松脱，车辆通过异响。",
        ),
    ),
    _duplicate(
        "same road rut around a sunken manhole on 府前路: cover defect vs road defect, 10 m",
        _report(
            PHOTO,
            "0105",
            _at(FUQIAN_JIEFANG, -10, -60),
            0,
            "井盖周围的路面都塌下去了，车一过就颠",
        ),
        _report(
            HOTLINE,
            "0104",
            _at(FUQIAN_JIEFANG, -5, -52),
            DAY,
            "来电人反映：府前路解放街路口往西五六十米，机动车道上一个井盖下沉，周围路面开裂塌陷，"
            "请修复。",
            phone="15705990038",
        ),
    ),
    _duplicate(
        "same fallen rocks on the 回龙乡 county road: landslide risk vs road damage, 60 m",
        _report(
            PHOTO,
            "0704",
            _at(HUILONG_ROAD, 0, 0),
            0,
            "山上掉石头下来了，占了半边路",
            phone="13666071149",
        ),
        _report(
            HOTLINE,
            "0104",
            _at(HUILONG_ROAD, 45, -40),
            3 * HOUR,
            "来电人反映：回龙乡县道翻越岭头那一段，山体有落石掉在路面上，车只能走一边，"
            "晚上看不见很危险。",
            phone="18876230051",
        ),
    ),
    _duplicate(
        "same missing cover at 实验小学 gate: a parent's photo, then a call 20 min later, 35 m",
        _report(PHOTO, "0105", _at(SHIYAN_GATE, 20, -25), 0, "井盖没了！小孩子要上学的"),
        _report(
            HOTLINE,
            "0105",
            _at(SHIYAN_GATE),
            20,
            "人民路实验小学门口井盖丢失。家长来电反映：实验小学正门往西二三十米人行道上一个井盖"
            "不见了，现在正是上学时间，学生很多，非常危险，请立即处理。",
            phone="13859922706",
        ),
    ),
    _duplicate(
        "same cracked cover outside 锦江花园 east gate: patrol note vs QR scan at the poster, 90 m",
        _report(
            PATROL,
            "0105",
            _at(JINJIANG_EAST_GATE, -5, 12),
            0,
            "锦江花园东门外雨水井盖破裂，已放置警示锥。",
        ),
        _report(
            QR,
            "0105",
            _at(JINJIANG_POSTER),
            DAY + 3 * HOUR,
            "东门出去那个下水道盖子裂开了，踩上去会晃，上面放了个雪糕筒",
        ),
    ),
    _duplicate(
        "same cover flipped by a car south of the 中山路/建安大道 junction, 25 min apart",
        _report(
            MINSHENG,
            "0105",
            _at(ZHONGSHAN_JIANAN, -40, 15),
            0,
            "民生110转：中山路建安大道路口南侧一井盖被车压翻，井口敞开，请尽快处置。",
            phone="18350929924",
        ),
        _report(
            PHOTO,
            "0105",
            _at(ZHONGSHAN_JIANAN, -45, 20),
            25,
            "井盖翻了，车过去很危险",
        ),
    ),
    _duplicate(
        "same rattling cover at the 和平里 gate: residents file it as noise, the patrol as a cover",
        _report(
            QR,
            "0201",
            _at(HEPINGLI_POSTER),
            0,
            "小区门口马路上有个井盖松了，车一压就哐当哐当响，半夜大货车过得睡不着",
        ),
        _report(
            PATROL,
            "0105",
            _at(HEPINGLI_GATE, 8, 10),
            2 * DAY,
            "和平里小区门口机动车道井盖松动，车辆碾压有异响。",
        ),
    ),
    _duplicate(
        "same missing cover at 桂园 gate; the caller's address is geocoded to the compound centre",
        _report(
            PHOTO,
            "0105",
            _at(GUIYUAN_POSTER, -40, -20),
            0,
            "小区门口下水道盖子不见了，黑洞洞的",
        ),
        _report(
            HOTLINE,
            "0105",
            _at(GUIYUAN),
            HOUR + 10,
            "市民来电反映：桂园小区大门口人行道上的井盖丢失，已有人用树枝插在里面提醒，"
            "请尽快补上井盖。",
            phone="13905997625",
        ),
    ),
    _distinct(
        "two damaged spots on 溪东路 about 1 km apart",
        _report(PHOTO, "0104", _at(XIDONG_ROAD_A, 5, 100), 0, "溪东路有个大坑"),
        _report(
            PHOTO,
            "0104",
            _at(XIDONG_ROAD_B, -5, 20),
            3 * HOUR,
            "溪东路工业园门口路面坑坑洼洼",
        ),
    ),
    _distinct(
        "two defects on 中山路 about 300 m apart, noted by the same patrol half an hour apart",
        _report(
            PATROL,
            "0104",
            _at(XINHUADU, -25, 30),
            0,
            "中山路新华都门口非机动车道路面塌陷，约1米见方，已设置围挡。",
        ),
        _report(
            PATROL,
            "0104",
            _at(ZHONGSHAN_120, -20, -10),
            30,
            "中山路120号前人行道道板破损约5平方米。",
        ),
    ),
    _distinct(
        "recurrence: the bus station pothole was patched and closed; broke up again 6 weeks later",
        _report(
            MINSHENG,
            "0104",
            _at(BUS_STATION, 40, 60),
            0,
            "民生110转：汽车站出站口路面有一个大坑，下雨积水看不出深浅，请相关部门处置。",
            phone="13860623390",
        ),
        _report(
            PHOTO,
            "0104",
            _at(BUS_STATION, 48, 66),
            6 * WEEK,
            "上个月刚补的坑，一场雨又烂了",
        ),
    ),
    _distinct(
        "same stretch outside 新华都, different problem: cars parked in the bike lane",
        _report(PHOTO, "0104", _at(XINHUADU, -18, 25), 0, "路面塌了个坑"),
        _report(
            PHOTO,
            "0504",
            _at(XINHUADU, -20, 22),
            DAY,
            "新华都门口非机动车道天天停满汽车，电动车只能绕到机动车道",
        ),
    ),
    _distinct(
        "two covers at 实验小学, 200 m apart: the front gate's missing, the back lane's broken",
        _report(PHOTO, "0105", _at(SHIYAN_GATE, 20, -25), 0, "井盖没了！小孩子要上学的"),
        _report(PHOTO, "0105", _at(SHIYAN_BACK, 5, 5), 2 * HOUR, "实验小学后门小路井盖坏了一半"),
    ),
    _distinct(
        "recurrence: the 实验小学 cover was replaced and closed; stolen again 40 days later",
        _report(
            PATROL,
            "0105",
            _at(SHIYAN_GATE, 20, -25),
            0,
            "人民路实验小学门口井盖缺失，已设置警示。",
        ),
        _report(
            HOTLINE,
            "0105",
            _at(SHIYAN_GATE),
            40 * DAY,
            "家长来电反映：实验小学门口井盖又被偷了，上个月刚换的新盖子，请处理并加装防盗装置。",
            phone="13859922706",
        ),
    ),
    _distinct(
        "same street, different problems 100 m apart: a chipped cover vs a sewer overflowing",
        _report(PHOTO, "0105", _at(DONGMEN_ROAD_32, 10, -100), 0, "东门路这个井盖缺了一角"),
        _report(
            HOTLINE,
            "0203",
            _at(DONGMEN_ROAD_32),
            DAY,
            "来电人反映：东门路32号附近下水道堵塞，污水从井口漫出来流到路面，气味很大。",
            phone="13055921180",
        ),
    ),
    _distinct(
        "same spot outside 新华都, 40 m apart: a sunken road patch vs a missing cover",
        _report(PHOTO, "0104", _at(XINHUADU, -18, 25), 0, "路面塌了个坑"),
        _report(
            PHOTO,
            "0105",
            _at(XINHUADU, -22, 65),
            4 * HOUR,
            "新华都东边路口井盖没了，拿了个锥桶挡着",
        ),
    ),
    _distinct(
        "heavy rain the same hour: the 中山路 underpass flooded vs the 滨江路 dip, 1.2 km apart",
        _report(
            MINSHENG,
            None,
            _at(XINHUADU, 0, 520),
            0,
            "民生110转：中山路下穿通道积水约半米深，有小车熄火被困，请排水部门处置。",
            phone="13906990052",
        ),
        _report(
            PHOTO,
            None,
            _at(BINJIANG_ROAD_E, 5, 80),
            20,
            "滨江路这段低洼的地方积水过不去了",
        ),
    ),
    _distinct(
        "typhoon night: a tree down on 滨江路 vs a tree down on 人民路, 750 m apart",
        _report(PHOTO, None, _at(BINJIANG_ROAD_E, 4, -6), 0, "大树倒了把路堵了"),
        _report(
            HOTLINE,
            None,
            _at(RENMIN_JINJIANG, 40, -100),
            25,
            "来电人反映：人民路实验小学往东一点，一棵行道树被风吹断，压在路边停的小车上，请处理。",
            phone="15006090213",
        ),
    ),
    # ---------------------------------------------------------------------------------------
    # Noise (0201): an ongoing nuisance stays one problem for days; other sources nearby and
    # flare-ups after a closed ticket are other problems.
    # ---------------------------------------------------------------------------------------
    _duplicate(
        "same caller about the same night piling, 50 min apart; the second call carries no point",
        _report(
            HOTLINE,
            "0201",
            _at(XIDONG_SITE_A),
            0,
            "夜间施工噪音扰民。来电人反映：溪东路锦绣花园对面工地晚上11点多还在打桩，声音很大，"
            "严重影响休息，请查处。",
            phone="13859961234",
        ),
        _report(
            HOTLINE,
            "0201",
            None,
            50,
            "来电人再次来电，称溪东路工地仍在施工，之前打过电话没人管，情绪激动，要求立即派人到场。",
            phone="13859961234",
        ),
    ),
    _duplicate(
        "same all-night pour at 御景湾 phase 2; the web point is the complainant's flat 100 m away",
        _report(
            HOTLINE,
            "0201",
            None,
            0,
            "来电人反映：御景湾二期工地今晚通宵浇筑混凝土，泵车声音很大，附近居民无法入睡，"
            "请查处。",
            phone="15280617743",
        ),
        _report(
            WEB,
            "0201",
            _at(YUJINGWAN_SITE, -80, -60),
            2 * HOUR,
            "投诉御景湾二期夜间施工\n都凌晨一点了工地还在施工，灯火通明，混凝土泵车轰隆隆响，"
            "孩子明天还要考试，请环保部门管一管！",
            phone="18965092218",
        ),
    ),
    _duplicate(
        "same nightly square-dance noise in 滨江公园, two days apart: one ongoing problem",
        _report(
            QR,
            "0201",
            _at(BINJIANG_POSTER),
            0,
            "滨江公园广场舞音响开得太大了，每天晚上七点到十点，楼上都能听得清清楚楚",
        ),
        _report(
            HOTLINE,
            "0201",
            _at(BINJIANG_PARK, 60, 40),
            2 * DAY + HOUR,
            "市民来电反映：滨江公园广场每晚有多支广场舞队伍使用大功率音响，噪音扰民，"
            "希望相关部门规范音量和时间。",
            phone="13696858301",
        ),
    ),
    _duplicate(
        "same KTV at 1 a.m.: diverted from 110 with a point, and a neighbour's call without one",
        _report(
            MINSHENG,
            "0201",
            _at(KTV),
            0,
            "民生110转：东门路金色年华KTV凌晨仍在高声播放音乐，楼上居民投诉噪音扰民。",
            phone="13950690027",
        ),
        _report(
            HOTLINE,
            "0201",
            None,
            40,
            "来电人反映：家住东门路金色年华KTV楼上，KTV每天营业到凌晨两三点，低音炮震得床都在响，"
            "多次投诉无果。",
            phone="18659967735",
        ),
    ),
    _duplicate(
        "same barking dog in 紫阳小区 building 8: filed as a dog problem and as noise",
        _report(
            HOTLINE,
            "1004",
            _at(ZIYANG_B8),
            0,
            "犬只扰民。来电人反映：紫阳小区8栋2单元一楼住户养了一条大狗，每天夜里狂叫，"
            "已经持续一个月，和狗主人沟通无果。",
            phone="13515098826",
        ),
        _report(
            QR,
            "0201",
            _at(ZIYANG_POSTER),
            3 * DAY,
            "8栋一楼那家的狗天天半夜叫，吵死人了，社区管不管",
        ),
    ),
    _duplicate(
        "same phone shop blaring promotions next to 新华都: a short photo vs a web form",
        _report(PHOTO, "0201", _at(XINHUADU, 15, -20), 0, "手机店门口喇叭循环喊，吵死了"),
        _report(
            WEB,
            "0201",
            _at(XINHUADU),
            DAY,
            "中山路新华都旁边手机店门口音箱噪音\n新华都购物广场西侧一家手机店每天在门口摆音箱"
            "循环播放促销广告，音量很大，附近上班的人都受不了。",
        ),
    ),
    _duplicate(
        "same 5:40 a.m. refuse compactor at 东门菜市场; the QR point is 210 m off, days apart",
        _report(
            QR,
            "0201",
            _at(DONGMEN_POSTER),
            0,
            "每天早上五点多菜市场垃圾站压缩车轰轰响，还有倒桶的声音，天天被吵醒",
        ),
        _report(
            HOTLINE,
            "0201",
            _at(DONGMEN_MARKET),
            4 * DAY,
            "来电人反映：东门菜市场垃圾中转站每天凌晨5点40左右开始作业，压缩设备噪音很大，"
            "建议调整作业时间。",
            phone="13860688041",
        ),
    ),
    _duplicate(
        "same 6 a.m. loudspeaker drill at 潭城一中, two neighbours a day apart",
        _report(
            HOTLINE,
            "0201",
            _at(YIZHONG),
            0,
            "来电人反映：潭城一中每天早上6点就用大喇叭放音乐、喊口号跑操，周边居民都被吵醒，"
            "希望学校降低音量。",
            phone="15959981125",
        ),
        _report(
            PHOTO,
            "0201",
            _at(YIZHONG, 90, 60),
            DAY + 10,
            "一中早上六点开广播，吵得整条街都听得见",
            phone="17605991342",
        ),
    ),
    _duplicate(
        "same funeral band playing all night in 长坪村: two villagers, one untagged",
        _report(
            HOTLINE,
            None,
            None,
            0,
            "来电人反映：长坪村一户人家办丧事，请了乐队吹打到半夜一两点，已经连续三个晚上，"
            "希望村里协调一下。",
            phone="13706996650",
        ),
        _report(
            MINSHENG,
            "0201",
            _at(CHANGPING, 60, -40),
            HOUR + 30,
            "民生110转：长坪村有人办白事，深夜吹打放鞭炮，噪音扰民。",
            phone="15860951874",
        ),
    ),
    _distinct(
        "two building sites on 溪东路 350 m apart (opposite 锦绣花园 vs by the petrol station)",
        _report(
            HOTLINE,
            "0201",
            _at(XIDONG_SITE_A),
            0,
            "夜间施工噪音扰民。来电人反映：溪东路锦绣花园对面工地晚上11点多还在打桩，声音很大，"
            "严重影响休息，请查处。",
            phone="13859961234",
        ),
        _report(
            PHOTO,
            "0201",
            _at(XIDONG_SITE_B, 10, 10),
            HOUR,
            "溪东路加油站旁边这个工地半夜还在挖土，吵死了",
        ),
    ),
    _distinct(
        "both callers live above the same KTV, but the second complains of a neighbour's drilling",
        _report(
            HOTLINE,
            "0201",
            None,
            0,
            "来电人反映：家住东门路金色年华KTV楼上，KTV每天营业到凌晨两三点，低音炮震得床都在响。",
            phone="18659967735",
        ),
        _report(
            HOTLINE,
            "0201",
            None,
            2 * DAY,
            "来电人反映：东门路金色年华KTV楼上5楼住户装修，周末早上7点就开始电钻，要求规范装修时间。",
            phone="13559902276",
        ),
    ),
    _distinct(
        "recurrence: the square dancing was mediated and closed; loud again nine weeks later",
        _report(
            HOTLINE,
            "0201",
            _at(BINJIANG_PARK, 60, 40),
            0,
            "市民来电反映：滨江公园广场每晚有多支广场舞队伍使用大功率音响，噪音扰民。",
            phone="13696858301",
        ),
        _report(
            QR,
            "0201",
            _at(BINJIANG_POSTER),
            9 * WEEK,
            "滨江公园广场舞又开始放很大声了，之前社区调解过好了一阵子",
        ),
    ),
    _distinct(
        "same KTV, different problem: loud music vs blocked fire exits and expired extinguishers",
        _report(
            MINSHENG,
            "0201",
            _at(KTV),
            0,
            "民生110转：东门路金色年华KTV凌晨仍在高声播放音乐，楼上居民投诉噪音扰民。",
            phone="13950690027",
        ),
        _report(
            WEB,
            "0701",
            _at(KTV, 5, 5),
            2 * DAY,
            "举报金色年华KTV消防隐患\nKTV安全出口被杂物堵死，走廊灭火器都是过期的，晚上人很多，"
            "出了事后果不堪设想。",
        ),
    ),
    _distinct(
        "same 溪东路 site, different problem: night piling (noise) vs mud and dust (air)",
        _report(
            HOTLINE,
            "0201",
            _at(XIDONG_SITE_A),
            0,
            "来电人反映：溪东路锦绣花园对面工地晚上11点多还在打桩，声音很大，严重影响休息。",
            phone="13859961234",
        ),
        _report(
            WEB,
            "0202",
            _at(XIDONG_SITE_A, 60, 30),
            3 * DAY,
            "工地扬尘严重\n溪东路锦绣花园对面工地渣土车进出不冲洗，路面全是泥，风一吹灰尘满天，"
            "家里窗台一天就一层灰。",
        ),
    ),
    _distinct(
        "a wedding band in 长坪村 vs a funeral band in 下洋村, different nights, 800 m apart",
        _report(
            MINSHENG,
            "0201",
            _at(CHANGPING, 60, -40),
            0,
            "民生110转：长坪村有人办白事，深夜吹打放鞭炮，噪音扰民。",
            phone="15860951874",
        ),
        _report(
            HOTLINE,
            "0201",
            _at(XIAYANG),
            5 * DAY,
            "来电人反映：下洋村有户人家办喜酒，晚上在村道上搭台唱戏放音响到十二点多。",
            phone="18760962231",
        ),
    ),
    _distinct(
        "school noise at 6 a.m. vs a neighbour's rooster at 潭城一中, 90 m apart",
        _report(
            HOTLINE,
            "0201",
            _at(YIZHONG),
            0,
            "来电人反映：潭城一中每天早上6点就用大喇叭放音乐、喊口号跑操，周边居民都被吵醒。",
            phone="15959981125",
        ),
        _report(
            QR,
            "1001",
            _at(YIZHONG, 70, -60),
            3 * DAY,
            "一中后面那户人家在阳台养了五六只鸡，公鸡天不亮就叫，还臭",
        ),
    ),
    # ---------------------------------------------------------------------------------------
    # Air (0202) and water (0203).
    # ---------------------------------------------------------------------------------------
    _duplicate(
        "same field fire at 下洋村: a photo at the smoke vs a call geocoded to the village, 200 m",
        _report(
            PHOTO,
            "0202",
            _at(XIAYANG, 30, 40),
            0,
            "有人在田里烧东西，烟好大",
            phone="15759920174",
        ),
        _report(
            HOTLINE,
            "0202",
            _at(XIAYANG, -120, -100),
            30,
            "来电人反映：莒口镇下洋村村口稻田里有人焚烧秸秆和塑料垃圾，浓烟飘进村里，气味刺鼻，"
            "请派人制止。",
            phone="13328861190",
        ),
    ),
    _duplicate(
        "same muddy lorries and dust from the 溪东路 site: a resident's form vs the patrol",
        _report(
            WEB,
            "0202",
            _at(XIDONG_SITE_A, 60, 30),
            0,
            "工地扬尘严重\n溪东路锦绣花园对面工地渣土车进出不冲洗，路面全是泥，风一吹灰尘满天，"
            "家里窗台一天就一层灰。",
        ),
        _report(
            PATROL,
            "0202",
            _at(XIDONG_SITE_A, -10, 5),
            DAY,
            "溪东路在建工地出入口未冲洗车辆，道路扬尘，已告知项目部。",
        ),
    ),
    _duplicate(
        "same night fumes from the named factory, two villagers, neither call located",
        _report(
            HOTLINE,
            "0202",
            None,
            0,
            "来电人反映：将口工业园区一家化工厂（疑似宏达化工）晚上偷排废气，刺鼻气味，"
            "附近坪山村村民闻了头晕。",
            phone="13859087712",
        ),
        _report(
            HOTLINE,
            "0202",
            None,
            3 * HOUR,
            "来电人反映坪山村附近晚上有很浓的化学臭味，怀疑是工业园宏达化工排放的，已经好几个晚上了，"
            "请环保局查一查。",
            phone="15080672219",
        ),
    ),
    _duplicate(
        "same asphalt plant smell in 崇雒镇; the web point is the resident's home 360 m away",
        _report(
            WEB,
            "0202",
            _at(ASPHALT_PLANT, 300, 200),
            0,
            "崇雒镇沥青搅拌站异味\n崇雒镇东边那个沥青搅拌站一开工就是一股沥青味，整个镇上都闻得到，"
            "晚上更严重。",
        ),
        _report(
            HOTLINE,
            "0202",
            _at(ASPHALT_PLANT),
            3 * DAY,
            "来电人反映：崇雒镇沥青搅拌站生产时烟气很大，异味刺鼻，要求环保部门检查其环保设施。",
            phone="13313992067",
        ),
    ),
    _duplicate(
        "same red water in the 潭溪: from the 水南大桥 and from the bank 180 m away, 40 min apart",
        _report(PHOTO, "0203", _at(SHUINAN_BRIDGE, 0, 5), 0, "潭溪水变成红色的了"),
        _report(
            PHOTO,
            "0203",
            _at(SHUINAN_BRIDGE, 90, 160),
            40,
            "河水怎么是红的？是不是哪里在排污",
            phone="18150613375",
        ),
    ),
    _duplicate(
        "same black outflow under the 滨江路 west embankment: web form vs patrol next day",
        _report(
            WEB,
            "0203",
            _at(SEWAGE_OUTLET, 30, 10),
            0,
            "滨江路排污口直排污水\n滨江路西段河堤下有根管子一直往潭溪里排黑水，很臭，傍晚最明显，"
            "希望查一查是谁家在偷排。",
        ),
        _report(
            PATROL,
            "0203",
            _at(SEWAGE_OUTLET, -5, -8),
            DAY + 2 * HOUR,
            "滨江路西段河堤排口有黑臭污水排入潭溪，已拍照取证。",
        ),
    ),
    _duplicate(
        "same dead fish in the 溪源村 reservoir: photo vs call naming the pig farm upstream",
        _report(
            PHOTO,
            "0203",
            _at(XIYUAN, 0, 0),
            0,
            "水库里好多死鱼浮上来了",
            phone="15396032274",
        ),
        _report(
            HOTLINE,
            "0203",
            _at(XIYUAN, 150, 90),
            5 * HOUR,
            "来电人反映：将口镇溪源村小水库出现大量死鱼，怀疑上游养猪场粪水直排造成，请环保部门检测。",
            phone="13706981149",
        ),
    ),
    _distinct(
        "two callers from 坪山村 about smells: the chemical works vs a pig farm, both unlocated",
        _report(
            HOTLINE,
            "0202",
            None,
            0,
            "来电人反映：将口工业园区一家化工厂（疑似宏达化工）晚上偷排废气，刺鼻气味。",
            phone="13859087712",
        ),
        _report(
            HOTLINE,
            "0202",
            None,
            DAY,
            "来电人反映：坪山村村尾养猪场臭气熏天，夏天根本不能开窗，粪水还往沟里排。",
            phone="13507093386",
        ),
    ),
    _distinct(
        "straw burning in 长坪村 and in 下洋村 on the same afternoon, 860 m apart",
        _report(
            PHOTO,
            "0202",
            _at(XIAYANG, 30, 40),
            0,
            "有人在田里烧东西，烟好大",
            phone="15759920174",
        ),
        _report(
            PATROL,
            "0202",
            _at(CHANGPING, -40, -20),
            2 * HOUR,
            "长坪村后洋片区村民焚烧秸秆，已劝导熄灭。",
        ),
    ),
    _distinct(
        "two outlets on the 潭溪 about 1 km apart: west embankment vs below 滨江华府",
        _report(
            PATROL,
            "0203",
            _at(SEWAGE_OUTLET, -5, -8),
            0,
            "滨江路西段河堤排口有黑臭污水排入潭溪，已拍照取证。",
        ),
        _report(
            PHOTO,
            "0203",
            _at(BINJIANG_HUAFU, -130, 0),
            DAY,
            "滨江华府下面河边的排水口在冒白沫",
        ),
    ),
    _distinct(
        "recurrence: the red discharge was traced and the ticket closed; red again 7 weeks later",
        _report(PHOTO, "0203", _at(SHUINAN_BRIDGE, 0, 5), 0, "潭溪水变成红色的了"),
        _report(
            HOTLINE,
            "0203",
            _at(SHUINAN_BRIDGE),
            7 * WEEK,
            "来电人反映：水南大桥下潭溪水又发红，上次说是上游印染厂偷排已经处理了，现在又出现，"
            "请再查。",
            phone="18150613375",
        ),
    ),
    _distinct(
        "dust from the 溪东路 building site vs from the concrete plant 1.3 km further east",
        _report(
            PATROL,
            "0202",
            _at(XIDONG_SITE_A, -10, 5),
            0,
            "溪东路在建工地出入口未冲洗车辆，道路扬尘，已告知项目部。",
        ),
        _report(
            WEB,
            "0202",
            _at(XIDONG_ROAD_B, 120, 30),
            DAY,
            "工业园商砼站粉尘污染\n溪东路工业园门口那个商砼搅拌站，水泥粉尘到处飞，路边的树都是白的。",
        ),
    ),
    # ---------------------------------------------------------------------------------------
    # Restaurants: cooking fumes (0204) and everything else that happens at the same door.
    # ---------------------------------------------------------------------------------------
    _duplicate(
        "same grill smoke from 老王烧烤: the resident above it vs a caller naming the shop",
        _report(
            QR,
            "0204",
            _at(DONGMEN_POSTER),
            0,
            "楼下老王家烧烤每天晚上烟往楼上飘，窗户都不能开，衣服都是烧烤味",
        ),
        _report(
            HOTLINE,
            "0204",
            _at(LAOWANG_BBQ),
            DAY,
            "来电人反映：东门美食街老王烧烤露天烧炭烤串，油烟直冲楼上住户，没有安装油烟净化设施，"
            "要求整改。",
            phone="13600986625",
        ),
    ),
    _duplicate(
        "same caller, same unfixed restaurant vent ten days on: still open, a duplicate",
        _report(
            HOTLINE,
            "0204",
            _at(ZHONGSHAN_120, 10, 30),
            0,
            "中山路118号湘菜馆油烟扰民。来电人反映：中山路118号一家湘菜馆排烟管道正对居民楼窗户，"
            "每天中午晚上油烟很大，要求整改。",
            phone="15160612345",
        ),
        _report(
            HOTLINE,
            "0204",
            _at(ZHONGSHAN_120, 10, 30),
            10 * DAY,
            "来电人称10天前反映中山路118号湘菜馆油烟问题，至今没有整改，仍在排烟，对处理结果不满意。",
            phone="15160612345",
        ),
    ),
    _duplicate(
        "same 湘菜馆 vent, a different neighbour, via the 12345 web portal two days later",
        _report(
            HOTLINE,
            "0204",
            _at(ZHONGSHAN_120, 10, 30),
            0,
            "中山路118号湘菜馆油烟扰民。来电人反映：中山路118号一家湘菜馆排烟管道正对居民楼窗户，"
            "每天中午晚上油烟很大，要求整改。",
            phone="15160612345",
        ),
        _report(
            WEB,
            "0204",
            None,
            2 * DAY,
            "饭店油烟直排\n我家住中山路118号楼上三楼，楼下湖南菜馆的排风扇正对着我家厨房窗户，"
            "每天两顿饭的时间满屋子油烟味。",
        ),
    ),
    _duplicate(
        "same night barbecue stall on the 水南 market square: patrol vs photo, 30 m",
        _report(
            PATROL,
            "0204",
            _at(SHUINAN_MARKET, -60, 30),
            0,
            "水南农贸市场门口广场夜间露天烧烤摊2处，油烟较大，已劝导。",
        ),
        _report(
            PHOTO,
            "0204",
            _at(SHUINAN_MARKET, -75, 55),
            DAY + 2 * HOUR,
            "菜市场门口烧烤摊烟熏火燎的，楼上都是烟",
        ),
    ),
    _distinct(
        "two restaurants on 东门美食街 80 m apart: 老王烧烤's grill vs 川味小馆's kitchen vent",
        _report(
            HOTLINE,
            "0204",
            _at(LAOWANG_BBQ),
            0,
            "来电人反映：东门美食街老王烧烤露天烧炭烤串，油烟直冲楼上住户，要求整改。",
            phone="13600986625",
        ),
        _report(
            PHOTO,
            "0204",
            _at(CHUANWEI, 5, -5),
            2 * HOUR,
            "川味小馆后厨排风口对着小区，油烟很大",
        ),
    ),
    _distinct(
        "same restaurant, different problem: 老王烧烤's smoke vs diners shouting at 2 a.m.",
        _report(
            HOTLINE,
            "0204",
            _at(LAOWANG_BBQ),
            0,
            "来电人反映：东门美食街老王烧烤露天烧炭烤串，油烟直冲楼上住户，要求整改。",
            phone="13600986625",
        ),
        _report(
            MINSHENG,
            "0201",
            _at(LAOWANG_BBQ, 5, 5),
            3 * DAY,
            "民生110转：东门美食街老王烧烤门口食客凌晨喝酒划拳喧哗，影响居民休息。",
            phone="13805097730",
        ),
    ),
    _distinct(
        "same restaurant, different problem: 老王烧烤's litter and slops vs its smoke",
        _report(
            PATROL,
            "0102",
            _at(LAOWANG_BBQ, 10, -8),
            0,
            "东门美食街老王烧烤门前竹签、餐盒乱扔，泔水倒入雨水井。",
        ),
        _report(
            QR,
            "0204",
            _at(DONGMEN_POSTER),
            5 * HOUR,
            "楼下老王家烧烤烟太大了，天天晚上熏到十二点",
        ),
    ),
    _distinct(
        "same restaurant, different problem: 川味小馆's vent vs a family's food poisoning",
        _report(
            PHOTO,
            "0204",
            _at(CHUANWEI, 5, -5),
            0,
            "川味小馆后厨排风口对着小区，油烟很大",
        ),
        _report(
            HOTLINE,
            "0301",
            _at(CHUANWEI),
            2 * DAY,
            "来电人反映：昨晚在东门美食街川味小馆吃饭后全家四口上吐下泻，怀疑食物不新鲜，"
            "要求市场监管部门检查。",
            phone="18065920316",
        ),
    ),
    _distinct(
        "recurrence: 老王烧烤 fitted a purifier and the ticket closed; smoke back ten months later",
        _report(
            HOTLINE,
            "0204",
            _at(LAOWANG_BBQ),
            0,
            "来电人反映：东门美食街老王烧烤露天烧炭烤串，油烟直冲楼上住户，要求整改。",
            phone="13600986625",
        ),
        _report(
            QR,
            "0204",
            _at(DONGMEN_POSTER),
            300 * DAY,
            "去年整改过的老王烧烤今年夏天又把炉子摆到门口烤了，烟又上来了",
        ),
    ),
    # ---------------------------------------------------------------------------------------
    # Markets (03xx): one shop's lapse is one problem however many customers report it;
    # two shops, or two different grievances at one shop, are two.
    # ---------------------------------------------------------------------------------------
    _duplicate(
        "same 惠民超市 水南 branch selling out-of-date milk, two customers two days apart",
        _report(
            HOTLINE,
            "0301",
            _at(HUIMIN),
            0,
            "来电人反映：在水南街道惠民超市购买的一箱纯牛奶已过期三天，超市仍在货架上销售，"
            "要求查处。",
            phone="13559911804",
        ),
        _report(
            WEB,
            "0301",
            None,
            2 * DAY,
            "惠民超市（水南店）销售过期食品\n前天在惠民超市水南店买的盒装牛奶，回家发现生产日期"
            "是两个月前，保质期45天，已经过期了，货架上还有好多。",
        ),
    ),
    _duplicate(
        "same unposted parking charge at 水南农贸市场: photo vs call 5 h later",
        _report(
            PHOTO,
            "0302",
            _at(SHUINAN_MARKET, -40, 10),
            0,
            "菜市场门口停车一次收10块，没有收费公示",
            phone="15859900127",
        ),
        _report(
            HOTLINE,
            "0302",
            _at(SHUINAN_MARKET),
            5 * HOUR,
            "来电人反映：水南农贸市场门口有人收停车费，每次10元，没有任何收费标准公示，也不开票，"
            "怀疑乱收费。",
            phone="13805922613",
        ),
    ),
    _duplicate(
        "same fryer stall at 实验小学 gate: unlicensed trade vs food safety, a day apart",
        _report(
            QR,
            "0305",
            _at(RENMIN_POSTER),
            0,
            "实验小学门口每天放学有流动摊贩卖炸串辣条，没有证照，孩子吃了拉肚子",
        ),
        _report(
            PATROL,
            "0301",
            _at(SHIYAN_GATE, 10, 15),
            DAY,
            "实验小学门口放学时段流动摊点售卖油炸食品、三无辣条，已劝离。",
        ),
    ),
    _duplicate(
        "same gym closing on its prepaid members; one call unlocated, one web form a day later",
        _report(
            HOTLINE,
            "0303",
            None,
            0,
            "来电人反映：中山路新华都三楼力美健身房突然关门，办的年卡还有8个月没用，老板联系不上，"
            "要求退费。",
            phone="18659990341",
        ),
        _report(
            WEB,
            "0303",
            _at(XINHUADU, 5, 10),
            DAY,
            "力美健身跑路了\n新华都三楼力美健身昨天开始就关门了，门口贴了个装修通知，老板电话打不通，"
            "群里好几百个会员，都是预付卡。",
        ),
    ),
    _duplicate(
        "same pharmacy opposite the hospital selling 'cures' to old people: banner vs sales talk",
        _report(
            PHOTO,
            "0304",
            _at(HOSPITAL, 60, -40),
            0,
            "药店门口挂横幅说保健品能治高血压糖尿病，骗老人",
        ),
        _report(
            HOTLINE,
            "0304",
            _at(HOSPITAL, 50, -30),
            2 * DAY,
            "来电人反映：区医院对面一家药房举办保健品讲座，宣称产品能治愈糖尿病，其父亲花了8000多元"
            "购买，要求查处虚假宣传。",
            phone="13950602287",
        ),
    ),
    _duplicate(
        "same back-room clinic in 东门 with no licence: two patients, one via Minsheng 110",
        _report(
            HOTLINE,
            "0305",
            _at(DONGMEN_ROAD_32, 20, 30),
            0,
            "来电人反映：东门路36号二楼有人无证开诊所，给人打吊针，没有任何资质公示，请卫生部门查处。",
            phone="15280698832",
        ),
        _report(
            MINSHENG,
            "0904",
            None,
            3 * DAY,
            "民生110转：来电人称在东门路一家小诊所（36号二楼）打吊瓶后过敏，怀疑是黑诊所。",
            phone="13959920074",
        ),
    ),
    _distinct(
        "different shops 140 m apart on one street: 惠民超市's milk vs 好又多便利店's bread",
        _report(
            HOTLINE,
            "0301",
            _at(HUIMIN),
            0,
            "来电人反映：在水南街道惠民超市购买的一箱纯牛奶已过期三天，超市仍在货架上销售，"
            "要求查处。",
            phone="13559911804",
        ),
        _report(
            HOTLINE,
            "0301",
            _at(HAOYOUDUO),
            DAY,
            "来电人反映：水南街道好又多便利店销售过期面包，要求查处。",
            phone="18906095521",
        ),
    ),
    _distinct(
        "same market, different problem: the parking charge vs overflowing bins",
        _report(
            PHOTO,
            "0302",
            _at(SHUINAN_MARKET, -40, 10),
            0,
            "菜市场门口停车一次收10块，没有收费公示",
            phone="15859900127",
        ),
        _report(
            PATROL,
            "0102",
            _at(SHUINAN_MARKET, -20, 10),
            DAY,
            "水南农贸市场门口垃圾桶满溢。",
        ),
    ),
    _distinct(
        "same school gate, different problem: snack vendors vs parents' cars jamming 人民路",
        _report(
            QR,
            "0305",
            _at(RENMIN_POSTER),
            0,
            "实验小学门口每天放学有流动摊贩卖炸串辣条，没有证照",
        ),
        _report(
            HOTLINE,
            "0503",
            _at(SHIYAN_GATE),
            2 * DAY,
            "来电人反映：人民路实验小学放学时段家长车辆乱停，人民路堵得水泄不通，希望交警在放学时段"
            "疏导。",
            phone="13599492260",
        ),
    ),
    _distinct(
        "same phone shop by 新华都, two customers: a refurbished phone vs a refused return",
        _report(
            HOTLINE,
            "0303",
            _at(XINHUADU, 15, -20),
            0,
            "来电人反映：在中山路新华都旁一家手机店购买的新手机，激活后发现是翻新机，商家拒绝退换。",
            phone="13105990281",
        ),
        _report(
            WEB,
            "0303",
            _at(XINHUADU, 15, -20),
            5 * DAY,
            "手机店不给七天无理由退货\n在新华都旁边手机店买的蓝牙耳机，没拆封第二天去退，店员说"
            "不退不换。",
        ),
    ),
    _distinct(
        "same pharmacy opposite the hospital, different problem: miracle cures vs card fraud",
        _report(
            PHOTO,
            "0304",
            _at(HOSPITAL, 60, -40),
            0,
            "药店门口挂横幅说保健品能治高血压糖尿病，骗老人",
        ),
        _report(
            HOTLINE,
            "0402",
            _at(HOSPITAL, 50, -30),
            4 * DAY,
            "来电人反映：区医院对面药房用医保卡刷生活用品，怀疑套取医保基金，请查处。",
            phone="18259902246",
        ),
    ),
    # ---------------------------------------------------------------------------------------
    # Labour (04xx): one crew's unpaid wages is one case; another crew or another claim is not.
    # ---------------------------------------------------------------------------------------
    _duplicate(
        "same carpenters' crew on 御景湾 phase 2, same foreman 陈, two members a day apart",
        _report(
            HOTLINE,
            "0401",
            None,
            0,
            "来电人反映：其在御景湾二期工地做木工，包工头陈某拖欠他们班组12人工资共计约36万元，"
            "一直未支付，请求帮助讨薪。",
            phone="13627039915",
        ),
        _report(
            HOTLINE,
            "0401",
            _at(YUJINGWAN_SITE),
            DAY,
            "来电人反映：溪东路御景湾二期项目木工班组工资被拖欠，包工头姓陈，拖了三个月，"
            "班组十几个人都没拿到钱。",
            phone="15179016672",
        ),
    ),
    _duplicate(
        "same worker calls back a week later about the same shoe factory's arrears",
        _report(
            HOTLINE,
            "0401",
            None,
            0,
            "来电人反映：在将口工业园鑫源鞋厂工作，厂里拖欠2个月工资约9000元，要求协调。",
            phone="18370912245",
        ),
        _report(
            HOTLINE,
            "0401",
            None,
            WEEK,
            "来电人称一周前反映鑫源鞋厂欠薪问题，劳动监察至今未联系他，要求加快处理。",
            phone="18370912245",
        ),
    ),
    _duplicate(
        "same injured worker's injury claim: his wife calls, then he files on the web himself",
        _report(
            HOTLINE,
            "0405",
            None,
            0,
            "来电人反映：其丈夫在将口工业园鑫源鞋厂上班时被机器压伤手指，厂里不给申报工伤，"
            "咨询如何申请工伤认定。",
            phone="13859061172",
        ),
        _report(
            WEB,
            "0405",
            None,
            4 * DAY,
            "鑫源鞋厂不给申报工伤\n上个月在车间被冲压机压断两根手指，厂里只给了两千块，"
            "不肯提交工伤认定申请。",
            phone="18370912290",
        ),
    ),
    _duplicate(
        "same fake job agency taking deposits, two victims, one call and one web form",
        _report(
            HOTLINE,
            "0404",
            None,
            0,
            "来电人反映：汽车站旁边的鑫盛人力中介收取500元押金介绍进厂工作，交钱后中介关门，"
            "联系不上。",
            phone="15880690072",
        ),
        _report(
            WEB,
            "0404",
            _at(BUS_STATION, -30, 40),
            2 * DAY,
            "举报黑中介\n汽车站边上的鑫盛人力，说包吃包住月薪六千，收了押金和体检费就没人了，"
            "我们好几个人都被骗。",
        ),
    ),
    _distinct(
        "same caller and employer, but unpaid social insurance is a different claim from wages",
        _report(
            HOTLINE,
            "0401",
            None,
            0,
            "来电人反映：在将口工业园鑫源鞋厂工作，厂里拖欠2个月工资约9000元，要求协调。",
            phone="18370912245",
        ),
        _report(
            HOTLINE,
            "0402",
            None,
            12 * DAY,
            "来电人反映：鑫源鞋厂入职两年一直没有给其缴纳社保，要求补缴。",
            phone="18370912245",
        ),
    ),
    _distinct(
        "same site, different crews and employers (carpenters under 陈 vs 恒基劳务's steel fixers)",
        _report(
            HOTLINE,
            "0401",
            None,
            0,
            "来电人反映：其在御景湾二期工地做木工，包工头陈某拖欠他们班组12人工资共计约36万元，"
            "请求帮助讨薪。",
            phone="13627039915",
        ),
        _report(
            HOTLINE,
            "0401",
            _at(YUJINGWAN_SITE),
            2 * DAY,
            "来电人反映：御景湾二期工地钢筋班组被拖欠工资，劳务公司是恒基劳务，负责人姓刘。",
            phone="13959087741",
        ),
    ),
    _distinct(
        "two unlocated arrears calls against different employers (a shoe factory vs a hotel)",
        _report(
            HOTLINE,
            "0401",
            None,
            0,
            "来电人反映：在将口工业园鑫源鞋厂工作，厂里拖欠2个月工资约9000元，要求协调。",
            phone="18370912245",
        ),
        _report(
            HOTLINE,
            "0401",
            None,
            3 * HOUR,
            "来电人反映：在潭城区滨江大酒店做服务员，离职后酒店拖欠最后一个月工资3200元。",
            phone="15059926638",
        ),
    ),
    _distinct(
        "same employer, different workers' different disputes: arrears vs an unsigned contract",
        _report(
            HOTLINE,
            "0401",
            None,
            0,
            "来电人反映：在将口工业园鑫源鞋厂工作，厂里拖欠2个月工资约9000元，要求协调。",
            phone="18370912245",
        ),
        _report(
            HOTLINE,
            "0403",
            None,
            2 * DAY,
            "来电人反映：在鑫源鞋厂做了半年，一直没签劳动合同，现在被辞退，要求双倍工资。",
            phone="17359901273",
        ),
    ),
    # ---------------------------------------------------------------------------------------
    # Transport (05xx).
    # ---------------------------------------------------------------------------------------
    _duplicate(
        "same route 3 buses skipping the 建安新村 stop at rush hour, two riders two days apart",
        _report(
            HOTLINE,
            "0501",
            None,
            0,
            "来电人反映：3路公交车经常不停建安新村站，早上7点多在站台等车，司机直接开过去，"
            "要求公交公司整改。",
            phone="13459970236",
        ),
        _report(
            WEB,
            "0501",
            _at(JIANAN_XINCUN_STOP),
            2 * DAY,
            "3路公交甩站\n建安新村站早高峰3路车经常不进站直接开走，今天又等了40分钟，上班迟到。",
        ),
    ),
    _duplicate(
        "same white SUV in the 锦江花园 fire lane: QR scan vs Minsheng 110, 3 h apart",
        _report(
            QR,
            "0504",
            _at(JINJIANG_POSTER),
            0,
            "消防通道被车堵死了，一辆白色SUV停了两天了，打电话也不接",
        ),
        _report(
            MINSHENG,
            "0504",
            _at(JINJIANG_EAST_GATE, 20, -30),
            3 * HOUR,
            "民生110转：锦江花园小区内消防通道被一辆白色越野车长期占用，请处置。",
            phone="15759961180",
        ),
    ),
    _duplicate(
        "same dead signals at 中山路/建安大道: a photo and a call 15 min later",
        _report(
            PHOTO,
            "0505",
            _at(ZHONGSHAN_JIANAN, 10, 12),
            0,
            "红绿灯坏了，路口乱成一锅粥",
            phone="18606990472",
        ),
        _report(
            HOTLINE,
            "0505",
            _at(ZHONGSHAN_JIANAN),
            15,
            "来电人反映中山路与建安大道交叉口信号灯全部不亮，车辆互不相让，请交警到场指挥。",
            phone="13905990385",
        ),
    ),
    _duplicate(
        "same dead signals reported as a jam: patrol files the lights, Minsheng the congestion",
        _report(
            PATROL,
            "0505",
            _at(ZHONGSHAN_JIANAN, 5, -5),
            0,
            "中山路建安大道路口信号灯故障黑灯。",
        ),
        _report(
            MINSHENG,
            "0503",
            _at(ZHONGSHAN_JIANAN, -30, 20),
            10,
            "民生110转：中山路建安大道路口堵死了，红绿灯好像坏了，请交警疏导。",
            phone="13860911734",
        ),
    ),
    _duplicate(
        "same passenger and taxi (闽H·T5237), by phone and then on the web a day later",
        _report(
            HOTLINE,
            "0502",
            None,
            0,
            "来电人反映：昨晚从汽车站打车到水南街道，出租车闽H·T5237未打表，一口价收了50元，"
            "要求处理。",
            phone="15280912063",
        ),
        _report(
            WEB,
            "0502",
            _at(BUS_STATION, 20, 30),
            DAY,
            "投诉出租车拒绝打表\n车牌闽H·T5237，汽车站上车到溪南雅苑，司机不打表要50块，"
            "正常也就15块左右。已打过12345。",
            phone="15280912063",
        ),
    ),
    _duplicate(
        "same sign half fallen at 府前路/解放街: a photo and an unclassified call an hour later",
        _report(
            PHOTO,
            "0505",
            _at(FUQIAN_JIEFANG, -20, 30),
            0,
            "路牌掉下来了，砸到人怎么办",
        ),
        _report(
            HOTLINE,
            None,
            None,
            HOUR,
            "来电人反映府前路解放街路口一块交通指示牌掉下来一半，挂在杆子上晃，很危险。",
            phone="13489921107",
        ),
    ),
    _duplicate(
        "same lorries parked overnight along 滨江路 by 滨江华府, photo vs call 3 days apart",
        _report(
            PHOTO,
            "0504",
            _at(BINJIANG_ROAD_E, 15, 40),
            0,
            "大货车天天晚上停在路边，一停一长排",
            phone="13055990648",
        ),
        _report(
            HOTLINE,
            "0504",
            _at(BINJIANG_HUAFU),
            3 * DAY,
            "来电人反映：滨江华府门口滨江路边每晚停放多辆大货车，占用车道，早上出门视线被挡，"
            "多次差点撞车，请交警治理。",
            phone="18750970081",
        ),
    ),
    _duplicate(
        "same smashed shelter at 建安新村 stop; the QR point is the community office 250 m off",
        _report(
            PATROL,
            "0505",
            _at(JIANAN_XINCUN_STOP, 5, 8),
            0,
            "建安新村公交站亭玻璃破碎，碎玻璃散落站台，已简单清理。",
        ),
        _report(
            QR,
            "0501",
            _at(JIANAN_XINCUN_POSTER),
            7 * HOUR,
            "建安新村公交站的站亭玻璃碎了一地，等车的老人小孩很容易划伤",
        ),
    ),
    _duplicate(
        "same stalls blocking the bus stop at 东门菜市场: bus service vs unlicensed trade",
        _report(
            HOTLINE,
            "0501",
            _at(DONGMEN_MARKET, -50, -40),
            0,
            "来电人反映：东门菜市场公交站台每天早上被卖菜的摊贩占满，公交车没法靠站，乘客只能在"
            "马路中间上下车。",
            phone="15805979921",
        ),
        _report(
            PHOTO,
            "0305",
            _at(DONGMEN_MARKET, -45, -30),
            DAY + 30,
            "公交站台全是菜摊",
        ),
    ),
    _distinct(
        "two taxis at the bus station, different plates and faults: T5237's flat fare vs T1806",
        _report(
            HOTLINE,
            "0502",
            None,
            0,
            "来电人反映：昨晚从汽车站打车到水南街道，出租车闽H·T5237未打表，一口价收了50元。",
            phone="15280912063",
        ),
        _report(
            HOTLINE,
            "0502",
            None,
            3 * DAY,
            "来电人反映：在汽车站乘坐出租车闽H·T1806，司机绕路多收费，要求处理。",
            phone="13850961123",
        ),
    ),
    _distinct(
        "same route 3, different problem: skipping a stop vs a driver on his phone",
        _report(
            HOTLINE,
            "0501",
            None,
            0,
            "来电人反映：3路公交车经常不停建安新村站，早上7点多在站台等车，司机直接开过去。",
            phone="13459970236",
        ),
        _report(
            HOTLINE,
            "0501",
            None,
            DAY,
            "来电人反映：今天上午乘坐3路公交车，司机边开车边看手机，乘客提醒后还辱骂乘客，"
            "要求处理。",
            phone="15980940087",
        ),
    ),
    _distinct(
        "same stop, different route: route 3 skipping 建安新村 vs route 5 running too rarely",
        _report(
            WEB,
            "0501",
            _at(JIANAN_XINCUN_STOP),
            0,
            "3路公交甩站\n建安新村站早高峰3路车经常不进站直接开走，今天又等了40分钟。",
        ),
        _report(
            QR,
            "0501",
            _at(JIANAN_XINCUN_POSTER),
            4 * DAY,
            "建议5路车增加班次，建安新村站晚上八点以后就没车了",
        ),
    ),
    _distinct(
        "recurrence: the white SUV was moved and the ticket closed; a black car 3 weeks later",
        _report(
            MINSHENG,
            "0504",
            _at(JINJIANG_EAST_GATE, 20, -30),
            0,
            "民生110转：锦江花园小区内消防通道被一辆白色越野车长期占用，请处置。",
            phone="15759961180",
        ),
        _report(
            QR,
            "0504",
            _at(JINJIANG_POSTER),
            3 * WEEK,
            "消防通道又被堵了，这次是一辆黑色小轿车",
        ),
    ),
    _distinct(
        "same compound, different parking problem: cars in the inner fire lane vs on the pavement",
        _report(
            QR,
            "0504",
            _at(JINJIANG_POSTER),
            0,
            "消防通道被车堵死了，一辆白色SUV停了两天了",
        ),
        _report(
            PHOTO,
            "0504",
            _at(JINJIANG_EAST_GATE, -5, 30),
            DAY,
            "锦江花园东门外人行道上停满了车，推婴儿车只能走马路",
        ),
    ),
    _distinct(
        "recurrence: route 3 was told to stop at 建安新村 and the ticket closed; skipping again",
        _report(
            HOTLINE,
            "0501",
            None,
            0,
            "来电人反映：3路公交车经常不停建安新村站，早上7点多在站台等车，司机直接开过去。",
            phone="13459970236",
        ),
        _report(
            HOTLINE,
            "0501",
            None,
            8 * WEEK,
            "来电人反映：两个月前反映过3路车在建安新村站甩站，后来好了一段时间，这几天又开始不停站了。",
            phone="13459970236",
        ),
    ),
    # ---------------------------------------------------------------------------------------
    # Water, power and gas (06xx): one outage floods the lines; outages elsewhere, and the
    # trouble left behind by the repair, are other problems.
    # ---------------------------------------------------------------------------------------
    _duplicate(
        "same outage at 桂园小区, two callers 35 min apart; the second names only a building",
        _report(
            HOTLINE,
            "0601",
            _at(GUIYUAN),
            0,
            "桂园小区停水。来电人反映：桂园小区从早上8点开始停水，没有接到任何停水通知，"
            "家里老人做饭都没水，请自来水公司尽快恢复。",
            phone="13959991052",
        ),
        _report(
            HOTLINE,
            "0601",
            None,
            35,
            "来电人反映桂园小区6栋停水，问什么时候来水。",
            phone="18759941236",
        ),
    ),
    _duplicate(
        "same outage at 桂园小区: QR scan at the poster vs Minsheng 110 an hour on",
        _report(QR, "0601", _at(GUIYUAN_POSTER), 0, "小区停水了，物业说不知道原因"),
        _report(
            MINSHENG,
            "0601",
            _at(GUIYUAN, 30, 20),
            HOUR,
            "民生110转：桂园小区大面积停水已3个多小时，居民情绪较大，请供水部门尽快处置。",
            phone="15160698702",
        ),
    ),
    _duplicate(
        "same burst main at 人民路/锦江路: a passer-by's water jet vs a resident's outage, 140 m",
        _report(
            PHOTO,
            None,
            _at(RENMIN_JINJIANG, 3, -2),
            0,
            "路面在冒水，水柱有半米高",
        ),
        _report(
            HOTLINE,
            "0601",
            _at(JINJIANG),
            25,
            "来电人反映：锦江花园突然停水，听说人民路锦江路口水管爆了，路面都是水，请尽快抢修。",
            phone="13950682241",
        ),
    ),
    _duplicate(
        "same burst main: the patrol files it as a road defect, a caller as the outage",
        _report(
            PATROL,
            "0104",
            _at(RENMIN_JINJIANG, 10, 8),
            0,
            "人民路锦江路口地下供水管破裂，路面积水隆起，已设置围挡。",
        ),
        _report(
            HOTLINE,
            "0601",
            None,
            HOUR,
            "来电人反映：人民路锦江路口一带停水了，说是水管爆了，请问什么时候能修好？",
            phone="13055911876",
        ),
    ),
    _duplicate(
        "same weak pressure on the high floors of 东方名城: QR scan vs call 2 days later",
        _report(
            QR,
            "0602",
            _at(DONGFANG_POSTER),
            0,
            "我们18楼水压太低了，热水器都打不着火",
        ),
        _report(
            HOTLINE,
            "0602",
            _at(DONGFANG),
            2 * DAY,
            "来电人反映：东方名城小区高层住户水压长期不足，15楼以上洗澡热水器无法启动，"
            "二次供水泵房疑似故障，请处理。",
            phone="13696861127",
        ),
    ),
    _duplicate(
        "same power cut in 和平里 building 3, two residents 30 min apart",
        _report(
            HOTLINE,
            "0603",
            None,
            0,
            "来电人反映：和平里小区3栋晚上9点突然停电，整栋楼都没电，家有卧床老人需要用制氧机，"
            "请尽快抢修。",
            phone="15959910823",
        ),
        _report(
            HOTLINE,
            "0603",
            _at(HEPINGLI, 20, 10),
            30,
            "来电人反映和平里3栋停电，其他楼有电，怀疑是楼道配电箱问题。",
            phone="13459902288",
        ),
    ),
    _duplicate(
        "same smoking transformer and dark shops on 书坊街: fire hazard vs power cut",
        _report(
            MINSHENG,
            "0701",
            _at(SHUFANG_MID, 20, 60),
            0,
            "民生110转：书坊街中段路边变压器冒烟，有焦糊味，周边店铺已停电，请立即处置。",
            phone="13906998831",
        ),
        _report(
            HOTLINE,
            "0603",
            _at(SHUFANG_MID),
            20,
            "来电人反映：书坊街这一段店铺全部停电了，听说是路边变压器烧了，请供电部门尽快抢修。",
            phone="18859970152",
        ),
    ),
    _duplicate(
        "same gas cut at 滨江华府: a call and a web form 3 h later from building 5",
        _report(
            HOTLINE,
            "0604",
            _at(BINJIANG_HUAFU),
            0,
            "来电人反映：滨江华府小区今天中午开始管道燃气没气了，做不了饭，燃气公司电话打不通。",
            phone="13515091174",
        ),
        _report(
            WEB,
            "0604",
            _at(BINJIANG_HUAFU_B5),
            3 * HOUR,
            "滨江华府燃气中断\n整个小区都没有燃气，也没看到停气通知，晚饭都没法做，"
            "请燃气公司给个说法。",
        ),
    ),
    _duplicate(
        "same village outage in 溪源村: an unlocated call vs the grid worker's note",
        _report(
            HOTLINE,
            "0601",
            None,
            0,
            "来电人反映：将口镇溪源村自来水已经停了两天，村里老人只能去井里挑水，请尽快恢复供水。",
            phone="13507091126",
        ),
        _report(
            PATROL,
            "0601",
            _at(XIYUAN, 40, -60),
            5 * HOUR,
            "溪源村集中供水点水泵故障停水，已报镇水务站。",
        ),
    ),
    _distinct(
        "outages at two compounds 640 m apart a week apart: 桂园小区 vs 紫阳小区",
        _report(
            HOTLINE,
            "0601",
            _at(GUIYUAN),
            0,
            "桂园小区停水。来电人反映：桂园小区从早上8点开始停水，没有接到任何停水通知。",
            phone="13959991052",
        ),
        _report(
            HOTLINE,
            "0601",
            _at(ZIYANG),
            WEEK,
            "紫阳小区停水。来电人反映：紫阳小区从中午开始停水，没有接到任何停水通知。",
            phone="13515097782",
        ),
    ),
    _distinct(
        "recurrence: 桂园's outage was fixed and closed; another one five weeks later",
        _report(
            HOTLINE,
            "0601",
            _at(GUIYUAN),
            0,
            "桂园小区停水。来电人反映：桂园小区从早上8点开始停水，没有接到任何停水通知。",
            phone="13959991052",
        ),
        _report(
            QR,
            "0601",
            _at(GUIYUAN_POSTER),
            5 * WEEK,
            "小区又停水了，上个月才停过一次，到底什么原因",
        ),
    ),
    _distinct(
        "follow-on problem: the trench the repair crew left at 人民路/锦江路 after the burst",
        _report(
            HOTLINE,
            "0601",
            _at(JINJIANG),
            0,
            "来电人反映：锦江花园突然停水，听说人民路锦江路口水管爆了，路面都是水，请尽快抢修。",
            phone="13950682241",
        ),
        _report(
            PHOTO,
            "0104",
            _at(RENMIN_JINJIANG, 5, 5),
            3 * DAY,
            "修水管挖的坑填了一半就走了，围挡都倒了",
        ),
    ),
    _distinct(
        "follow-on problem: night breakers of the burst-main repair, not the burst itself",
        _report(
            PHOTO,
            None,
            _at(RENMIN_JINJIANG, 3, -2),
            0,
            "路面在冒水，水柱有半米高",
        ),
        _report(
            HOTLINE,
            "0201",
            _at(JINJIANG),
            14 * HOUR,
            "来电人反映：人民路锦江路口抢修水管，半夜挖掘机破碎路面声音很大，能否白天施工。",
            phone="13860977350",
        ),
    ),
    _distinct(
        "same building, different problem two weeks apart: power cut vs the lift breaking down",
        _report(
            HOTLINE,
            "0603",
            None,
            0,
            "来电人反映：和平里小区3栋晚上9点突然停电，整栋楼都没电，请尽快抢修。",
            phone="15959910823",
        ),
        _report(
            HOTLINE,
            "0802",
            _at(HEPINGLI, 20, 10),
            2 * WEEK,
            "来电人反映：和平里3栋电梯坏了三天，物业说要换主板，老人上下楼很困难。",
            phone="15959910823",
        ),
    ),
    _distinct(
        "same compound, same day, different utility: 滨江华府's gas cut vs a water outage in 5栋",
        _report(
            HOTLINE,
            "0604",
            _at(BINJIANG_HUAFU),
            0,
            "来电人反映：滨江华府小区今天中午开始管道燃气没气了，做不了饭，燃气公司电话打不通。",
            phone="13515091174",
        ),
        _report(
            QR,
            "0601",
            _at(BINJIANG_HUAFU_POSTER),
            6 * HOUR,
            "5栋从下午开始停水，物业说是水箱清洗，但是没提前通知",
        ),
    ),
    _distinct(
        "a planned maintenance question at 桂园 vs the burst outage at 锦江花园, 2 km apart",
        _report(
            HOTLINE,
            "0601",
            _at(JINJIANG),
            0,
            "来电人反映：锦江花园突然停水，听说人民路锦江路口水管爆了，请尽快抢修。",
            phone="13950682241",
        ),
        _report(
            HOTLINE,
            None,
            None,
            2 * HOUR,
            "来电人咨询：桂园小区门口贴了通知说后天要检修管网停水，想确认停水时间。已答复。",
            phone="18965910043",
        ),
    ),
    _distinct(
        "weak pressure on 东方名城's high floors vs a power cut there a month later",
        _report(
            QR,
            "0602",
            _at(DONGFANG_POSTER),
            0,
            "我们18楼水压太低了，热水器都打不着火",
        ),
        _report(
            QR,
            "0603",
            _at(DONGFANG_POSTER),
            4 * WEEK + 2 * DAY,
            "9栋今天下午停电了，电梯也停了，物业说是供电局线路问题",
        ),
    ),
    # ---------------------------------------------------------------------------------------
    # Public safety (07xx).
    # ---------------------------------------------------------------------------------------
    _duplicate(
        "same bikes charging on trailing cables in 建安新村 building 7: QR vs patrol a day later",
        _report(
            QR,
            "0701",
            _at(JIANAN_XINCUN_POSTER),
            0,
            "7栋楼道里好几辆电动车在充电，电线从窗户拉下来，万一着火怎么办",
        ),
        _report(
            PATROL,
            "0701",
            _at(JIANAN_XINCUN, 30, -20),
            DAY,
            "建安新村7栋一楼楼道电动车违规停放充电，飞线充电3处，已劝导。",
        ),
    ),
    _duplicate(
        "same gas smell at a 府前路 breakfast shop, 10 min apart; the second call unlocated",
        _report(
            MINSHENG,
            "0702",
            _at(FUQIAN_12, 0, 40),
            0,
            "民生110转：府前路20号一家早餐店附近有很浓的燃气味，疑似燃气泄漏，请立即处置。",
            phone="13799160023",
        ),
        _report(
            HOTLINE,
            "0702",
            None,
            10,
            "来电人反映：府前路早餐店那里一股煤气味，整条街都闻得到，很害怕爆炸。",
            phone="15880918862",
        ),
    ),
    _duplicate(
        "same cracked slope behind 后山村 No. 12: the grid worker evacuates, the son calls",
        _report(
            PATROL,
            "0704",
            _at(HOUSHAN, 20, 10),
            0,
            "后山村12号民房屋后边坡出现裂缝，连续降雨有滑坡风险，已通知住户撤离。",
        ),
        _report(
            HOTLINE,
            "0704",
            _at(HOUSHAN, -100, 80),
            4 * HOUR,
            "来电人反映：将口镇后山村12号（其父母家）屋后山坡下雨后开裂，有泥土往下掉，"
            "担心塌方，请派人查看。",
            phone="13950691378",
        ),
    ),
    _duplicate(
        "same broken railing on the 滨江路 embankment: transport kit vs a safety hazard",
        _report(
            PHOTO,
            "0505",
            _at(BINJIANG_PARK, -30, 80),
            0,
            "河边栏杆断了一截，小孩子很容易掉下去",
        ),
        _report(
            HOTLINE,
            "0705",
            _at(BINJIANG_PARK),
            DAY,
            "来电人反映：滨江公园往东河堤护栏断裂缺失约3米，紧邻潭溪，存在落水隐患，请尽快修复。",
            phone="13107760094",
        ),
    ),
    _duplicate(
        "same gas smell in 锦江花园 building 8 stairwell: leak vs supply, QR vs call 20 min",
        _report(
            QR,
            "0702",
            _at(JINJIANG_POSTER),
            0,
            "8栋二单元楼梯间有很重的煤气味，不知道谁家漏气了",
        ),
        _report(
            HOTLINE,
            "0604",
            _at(JINJIANG_B8),
            20,
            "来电人反映：锦江花园8栋2单元楼道燃气味很重，请燃气公司上门检查管道。",
            phone="18906900127",
        ),
    ),
    _duplicate(
        "same dark underpass on 中山路 where a bag was snatched: lighting vs public order",
        _report(
            MINSHENG,
            "0705",
            _at(XINHUADU, 0, 520),
            0,
            "民生110转：中山路下穿人行通道照明全部损坏，昨晚有女子在通道内被抢包，请加强治安管理。",
            phone="15659912084",
        ),
        _report(
            PHOTO,
            "0101",
            _at(XINHUADU, 10, 530),
            DAY,
            "地下通道里一盏灯都不亮，晚上根本不敢走",
        ),
    ),
    _distinct(
        "same compound, different buildings and hazards: charging in 7栋 vs junk in 9栋's stairs",
        _report(
            QR,
            "0701",
            _at(JIANAN_XINCUN_POSTER),
            0,
            "7栋楼道里好几辆电动车在充电，电线从窗户拉下来，万一着火怎么办",
        ),
        _report(
            QR,
            "0701",
            _at(JIANAN_XINCUN_POSTER),
            2 * DAY,
            "9栋楼梯口堆满了纸箱和旧家具，着火了都跑不出去",
        ),
    ),
    _distinct(
        "gas smells on the same evening at a 府前路 shop and in 锦江花园, 1.2 km apart",
        _report(
            MINSHENG,
            "0702",
            _at(FUQIAN_12, 0, 40),
            0,
            "民生110转：府前路20号一家早餐店附近有很浓的燃气味，疑似燃气泄漏，请立即处置。",
            phone="13799160023",
        ),
        _report(
            QR,
            "0702",
            _at(JINJIANG_POSTER),
            HOUR,
            "8栋二单元楼梯间有很重的煤气味，不知道谁家漏气了",
        ),
    ),
    _distinct(
        "same rainy night, two slopes 1.1 km apart: behind 后山村 No. 12 vs above 樟埠村's school",
        _report(
            PATROL,
            "0704",
            _at(HOUSHAN, 20, 10),
            0,
            "后山村12号民房屋后边坡出现裂缝，连续降雨有滑坡风险，已通知住户撤离。",
        ),
        _report(
            HOTLINE,
            "0704",
            _at(ZHANGBU, 80, 40),
            3 * HOUR,
            "来电人反映：樟埠村小学后面的山坡有小面积塌方，泥石冲到围墙边，请派人查看。",
            phone="18350961047",
        ),
    ),
    _distinct(
        "same compound, different problems: bikes charging in the corridor vs a bike stolen",
        _report(
            PATROL,
            "0701",
            _at(JIANAN_XINCUN, 30, -20),
            0,
            "建安新村7栋一楼楼道电动车违规停放充电，飞线充电3处，已劝导。",
        ),
        _report(
            MINSHENG,
            "0705",
            _at(JIANAN_XINCUN, 10, 10),
            DAY,
            "民生110转：建安新村小区连续发生电动车电瓶被盗，小区没有监控，居民要求加强巡逻。",
            phone="13950632218",
        ),
    ),
    # ---------------------------------------------------------------------------------------
    # Housing and property (08xx).
    # ---------------------------------------------------------------------------------------
    _duplicate(
        "same lift out in 滨江华府 building 2: QR at the poster vs call a day later",
        _report(
            QR,
            "0802",
            _at(BINJIANG_HUAFU_POSTER),
            0,
            "2栋电梯坏了停了三天了，我们住26楼，老人根本下不了楼",
        ),
        _report(
            HOTLINE,
            "0802",
            _at(BINJIANG_HUAFU),
            DAY,
            "来电人反映：滨江华府2栋电梯故障停运三天，物业称在等配件，楼内多位老人无法下楼，"
            "请督促维修。",
            phone="13860910642",
        ),
    ),
    _duplicate(
        "same poor management at 御景湾 (dirty stairs, broken gate entry), two owners 4 days apart",
        _report(
            WEB,
            "0801",
            _at(YUJINGWAN),
            0,
            "御景湾物业不作为\n物业费照收，小区绿化没人修剪，楼道一个月没打扫，门禁坏了半年没修。",
        ),
        _report(
            HOTLINE,
            "0801",
            None,
            4 * DAY,
            "来电人反映：御景湾小区物业服务差，卫生无人打扫，门禁长期损坏，业主多次反映无果，"
            "要求主管部门督促。",
            phone="15060971183",
        ),
    ),
    _duplicate(
        "same owner's leaking bathroom ceiling at 东方名城 9栋1802, calling again 9 days later",
        _report(
            HOTLINE,
            "0803",
            _at(DONGFANG),
            0,
            "来电人反映：东方名城9栋1802室去年交房，现在卫生间顶部渗水，开发商维修两次仍未修好。",
            phone="18805993671",
        ),
        _report(
            HOTLINE,
            "0803",
            None,
            9 * DAY,
            "来电人称其东方名城9栋1802房屋渗水问题此前已反映，开发商仍未处理，要求尽快督办。",
            phone="18805993671",
        ),
    ),
    _duplicate(
        "same late handover of 溪南雅苑 phase 2, two buyers, one call and one web form",
        _report(
            HOTLINE,
            "0804",
            None,
            0,
            "来电人反映：溪南雅苑二期合同约定今年6月30日交房，至今已延期三个月，开发商不给明确答复，"
            "要求相关部门督促。",
            phone="13665097721",
        ),
        _report(
            WEB,
            "0804",
            _at(XINAN_YAYUAN, 60, -80),
            2 * DAY,
            "溪南雅苑二期逾期交房\n我们几百户业主买的溪南雅苑二期，合同约定6月底交房，"
            "现在工地都停工了，开发商天天推，请住建局介入。",
        ),
    ),
    _duplicate(
        "same stalled repair-fund application for 和平里 building 6's lift, two owners",
        _report(
            WEB,
            "0805",
            None,
            0,
            "维修资金申请迟迟不批\n和平里6栋电梯用了二十年要更换，业主已经签字同意使用维修资金，"
            "材料交上去三个月了还没批下来。",
        ),
        _report(
            HOTLINE,
            "0805",
            _at(HEPINGLI),
            6 * DAY,
            "来电人反映：和平里小区6栋申请动用住宅专项维修资金更换电梯，已过半数业主签字，"
            "审批拖了三个月，请加快办理。",
            phone="13306980445",
        ),
    ),
    _duplicate(
        "same broken gate entry at 锦江花园: QR complaint vs web form, 2 days apart",
        _report(
            QR,
            "0801",
            _at(JINJIANG_POSTER),
            0,
            "小区大门门禁坏了，外卖快递随便进，晚上也没保安",
        ),
        _report(
            WEB,
            "0801",
            _at(JINJIANG, 10, 30),
            2 * DAY,
            "锦江花园门禁损坏无人修\n锦江花园东门和北门门禁都坏了快一个月，陌生人随便进出，"
            "物业说没钱修。",
        ),
    ),
    _distinct(
        "lifts in two 滨江华府 buildings (2 and 5) out on the same day; points 170 m apart",
        _report(
            QR,
            "0802",
            _at(BINJIANG_HUAFU_POSTER),
            0,
            "2栋电梯坏了停了三天了，我们住26楼，老人根本下不了楼",
        ),
        _report(
            HOTLINE,
            "0802",
            _at(BINJIANG_HUAFU_B5),
            5 * HOUR,
            "来电人反映：滨江华府5栋电梯早上困人，人被救出来后电梯一直停用，请检查安全。",
            phone="15159910283",
        ),
    ),
    _distinct(
        "same compound, different problem: 御景湾 building 3's failing lift vs poor management",
        _report(
            HOTLINE,
            "0802",
            _at(YUJINGWAN, 10, 10),
            0,
            "来电人反映：御景湾3栋电梯频繁故障，上周困人两次，要求电梯检验部门检查。",
            phone="13959962217",
        ),
        _report(
            WEB,
            "0801",
            _at(YUJINGWAN),
            2 * DAY,
            "御景湾物业不作为\n物业费照收，小区绿化没人修剪，楼道一个月没打扫。",
        ),
    ),
    _distinct(
        "same building, same code, different defect: 1802's leaking ceiling vs falling wall tiles",
        _report(
            HOTLINE,
            "0803",
            _at(DONGFANG),
            0,
            "来电人反映：东方名城9栋1802室去年交房，现在卫生间顶部渗水，开发商维修两次仍未修好。",
            phone="18805993671",
        ),
        _report(
            PHOTO,
            "0803",
            _at(DONGFANG, 10, -10),
            6 * DAY,
            "9栋外墙瓷砖往下掉，楼下停的车都被砸了",
        ),
    ),
    _distinct(
        "recurrence: 滨江华府 building 2's lift was repaired and closed; out again 6 weeks later",
        _report(
            HOTLINE,
            "0802",
            _at(BINJIANG_HUAFU),
            0,
            "来电人反映：滨江华府2栋电梯故障停运三天，物业称在等配件，请督促维修。",
            phone="13860910642",
        ),
        _report(
            QR,
            "0802",
            _at(BINJIANG_HUAFU_POSTER),
            6 * WEEK,
            "2栋电梯上个月才修好，今天又坏了，这次卡在12楼",
        ),
    ),
    _distinct(
        "two developments: 溪南雅苑 phase 2 handed over late vs 东方名城 phase 3 short-measured",
        _report(
            HOTLINE,
            "0804",
            None,
            0,
            "来电人反映：溪南雅苑二期合同约定今年6月30日交房，至今已延期三个月，要求相关部门督促。",
            phone="13665097721",
        ),
        _report(
            HOTLINE,
            "0804",
            None,
            5 * DAY,
            "来电人反映：东方名城三期交房时发现房屋面积缩水、绿化和合同不符，开发商强行要求收房。",
            phone="18050913326",
        ),
    ),
    _distinct(
        "same QR poster, same hour: a corridor light out (property) vs junk in the corridor",
        _report(QR, "0801", _at(GUIYUAN_POSTER), 0, "4栋楼道灯坏了一个月了，物业不修"),
        _report(QR, "0701", _at(GUIYUAN_POSTER), 40, "楼道堆放杂物，堵住消防通道"),
    ),
    # ---------------------------------------------------------------------------------------
    # Schools and health (09xx).
    # ---------------------------------------------------------------------------------------
    _duplicate(
        "same class fee at 二实小 4(3), two parents, neither located",
        _report(
            HOTLINE,
            "0901",
            None,
            0,
            "来电人反映：第二实验小学四年级3班班主任要求每位学生交300元资料费和班费，没有收据，"
            "怀疑违规收费。",
            phone="13959967140",
        ),
        _report(
            WEB,
            "0901",
            None,
            DAY,
            "二实小四(3)班乱收费\n班主任在家长群里通知每人交300元，说是买教辅和班费，"
            "学校不是说不能收资料费吗？",
        ),
    ),
    _duplicate(
        "same tutoring school 星辰教育 teaching subjects at weekends: call vs photo 6 days later",
        _report(
            HOTLINE,
            "0903",
            None,
            0,
            "来电人反映：东门路星辰教育培训机构在学期中周末开设学科类培训，学生上午下午都要上课，"
            "请教育局查处。",
            phone="15906990012",
        ),
        _report(
            PHOTO,
            "0903",
            _at(XINGCHEN_EDU, 5, -5),
            6 * DAY,
            "周末这家星辰教育还在偷偷补课，一屋子学生",
        ),
    ),
    _duplicate(
        "same vaccination clinic closed without notice at 水南, two parents the same morning",
        _report(
            HOTLINE,
            "0905",
            _at(SHUINAN_MARKET, 80, -120),
            0,
            "来电人反映：水南社区卫生服务中心今天预防接种门诊没开门，也没有提前通知，带孩子白跑一趟。",
            phone="13615096617",
        ),
        _report(
            QR,
            "0905",
            _at(SHUINAN_MARKET, 200, -60),
            HOUR + 20,
            "社区医院打疫苗的今天怎么关门了？约好的时间",
        ),
    ),
    _duplicate(
        "same online enrolment system down on the first day, two parents, unlocated",
        _report(
            HOTLINE,
            "0902",
            None,
            0,
            "来电人反映：今天是小学一年级网上报名第一天，潭城区入学报名系统一直打不开，"
            "担心错过报名时间。",
            phone="18159961172",
        ),
        _report(
            WEB,
            "0902",
            None,
            50,
            "入学报名网站崩了\n一年级网上报名系统从早上八点到现在一直显示服务器繁忙，"
            "请尽快处理，是否会延长报名时间？",
        ),
    ),
    _distinct(
        "same school, different matter: 二实小 4(3)'s class fee vs a transfer-place question",
        _report(
            HOTLINE,
            "0901",
            None,
            0,
            "来电人反映：第二实验小学四年级3班班主任要求每位学生交300元资料费和班费，没有收据。",
            phone="13959967140",
        ),
        _report(
            HOTLINE,
            "0902",
            None,
            3 * DAY,
            "来电人咨询：孩子从外地转学到第二实验小学四年级，需要准备哪些材料。已答复。",
            phone="13860926651",
        ),
    ),
    _distinct(
        "same hospital, different patients and problems: a 3-hour ER wait vs double billing",
        _report(
            HOTLINE,
            "0904",
            _at(HOSPITAL),
            0,
            "来电人反映：昨晚带孩子到区人民医院急诊，等了3个小时没有医生看，护士态度恶劣。",
            phone="13599910876",
        ),
        _report(
            HOTLINE,
            "0904",
            _at(HOSPITAL),
            2 * DAY,
            "来电人反映：其父亲在区人民医院骨科住院，医生查房敷衍，收费清单有重复收费项目。",
            phone="15880924471",
        ),
    ),
    _distinct(
        "two tutoring schools on 东门路: 星辰教育 at weekends vs another's prepaid-fee refund",
        _report(
            PHOTO,
            "0903",
            _at(XINGCHEN_EDU, 5, -5),
            0,
            "周末这家星辰教育还在偷偷补课，一屋子学生",
        ),
        _report(
            HOTLINE,
            "0903",
            _at(DONGMEN_ROAD_32),
            4 * DAY,
            "来电人反映：东门路启航英语培训班关门，预交的一年学费1.2万元不退，要求处理。",
            phone="13055970027",
        ),
    ),
    _distinct(
        "two clinics: 水南's closed vaccination room vs a vaccine shortage at 东门",
        _report(
            HOTLINE,
            "0905",
            _at(SHUINAN_MARKET, 80, -120),
            0,
            "来电人反映：水南社区卫生服务中心今天预防接种门诊没开门，也没有提前通知。",
            phone="13615096617",
        ),
        _report(
            HOTLINE,
            "0905",
            _at(DONGMEN_POSTER),
            DAY,
            "来电人反映：东门社区卫生服务中心HPV疫苗一直显示无苗，预约了半年都排不上。",
            phone="15759962284",
        ),
    ),
    # ---------------------------------------------------------------------------------------
    # Neighbourhood matters (10xx).
    # ---------------------------------------------------------------------------------------
    _duplicate(
        "same rubbish thrown from 锦江花园 building 5, QR and Minsheng 110 the same day",
        _report(
            QR,
            "1003",
            _at(JINJIANG_POSTER),
            0,
            "5栋有人从楼上扔垃圾袋下来，差点砸到人，已经好几次了",
        ),
        _report(
            MINSHENG,
            "1003",
            _at(JINJIANG, 20, 20),
            2 * HOUR,
            "民生110转：锦江花园5栋有人高空抛物，一袋垃圾从高层扔下砸在楼下电动车上，请查处。",
            phone="13003899106",
        ),
    ),
    _duplicate(
        "same unleashed golden retriever in 紫阳小区: a photo of it vs a call a day later",
        _report(
            PHOTO,
            "1004",
            _at(ZIYANG, 10, -20),
            0,
            "小区里金毛不拴绳到处跑，吓死小孩了",
            phone="18050962237",
        ),
        _report(
            HOTLINE,
            "1004",
            _at(ZIYANG),
            DAY,
            "来电人反映：紫阳小区有住户遛一条金毛犬不牵绳，多次扑向路人和小孩，请处理。",
            phone="13809978810",
        ),
    ),
    _duplicate(
        "the two sides of one leak dispute (和平里 8栋 302 vs 402) each asking for mediation",
        _report(
            HOTLINE,
            "1001",
            None,
            0,
            "来电人反映：和平里小区8栋302住户，楼上402装修导致其家天花板渗水，与对方协商赔偿未果，"
            "请求调解。",
            phone="15959983360",
        ),
        _report(
            HOTLINE,
            "1001",
            None,
            DAY,
            "来电人反映：和平里小区8栋402业主，楼下住户称其装修导致渗水，要求天价赔偿，"
            "还天天上门吵闹，请求社区调解。",
            phone="13606991125",
        ),
    ),
    _distinct(
        "throwing from two 锦江花园 buildings (5 and 7): a rubbish bag vs water poured down",
        _report(
            MINSHENG,
            "1003",
            _at(JINJIANG, 20, 20),
            0,
            "民生110转：锦江花园5栋有人高空抛物，一袋垃圾从高层扔下砸在楼下电动车上，请查处。",
            phone="13003899106",
        ),
        _report(
            QR,
            "1003",
            _at(JINJIANG_POSTER),
            DAY,
            "7栋有人往楼下倒水，晾的衣服都湿了",
        ),
    ),
    _distinct(
        "same building 和平里 8栋, different dispute: 302/402's leak vs a parking space row",
        _report(
            HOTLINE,
            "1001",
            None,
            0,
            "来电人反映：和平里小区8栋302住户，楼上402装修导致其家天花板渗水，请求调解。",
            phone="15959983360",
        ),
        _report(
            HOTLINE,
            "1001",
            _at(HEPINGLI),
            4 * DAY,
            "来电人反映：和平里8栋楼下公共车位被一楼住户用地锁占为己有，双方发生争吵，请社区调解。",
            phone="18606902217",
        ),
    ),
    _distinct(
        "two dogs in 紫阳小区: an owner's unleashed retriever vs strays by the gatehouse",
        _report(
            PHOTO,
            "1004",
            _at(ZIYANG, 10, -20),
            0,
            "小区里金毛不拴绳到处跑，吓死小孩了",
            phone="18050962237",
        ),
        _report(
            QR,
            "1004",
            _at(ZIYANG_POSTER),
            2 * DAY,
            "南门门卫室旁边有三四条流浪狗，晚上追着电动车咬",
        ),
    ),
    _distinct(
        "same caller, different problems: her husband's gambling vs a neighbour's loud TV",
        _report(
            HOTLINE,
            "1002",
            None,
            0,
            "来电人反映：其丈夫长期赌博欠债，经常酒后在家打骂，请求妇联和社区帮助调解。",
            phone="13459963381",
        ),
        _report(
            HOTLINE,
            "1001",
            None,
            3 * WEEK,
            "来电人反映：隔壁邻居每天晚上电视声音开很大到凌晨，敲门沟通无果，请社区协调。",
            phone="13459963381",
        ),
    ),
    # ---------------------------------------------------------------------------------------
    # Odd ones: no category, double submissions, things the taxonomy has no name for.
    # ---------------------------------------------------------------------------------------
    _duplicate(
        "same hornets' nest by the 人民公园 playground: an unclassified, unlocated call vs a photo",
        _report(
            HOTLINE,
            None,
            None,
            0,
            "来电人反映：人民公园儿童游乐区旁边大树上有一个很大的马蜂窝，已经有小孩被蛰，"
            "请派人摘除。",
            phone="18906997734",
        ),
        _report(
            PHOTO,
            None,
            _at(PEOPLE_PARK_PLAY, 20, -10),
            5 * HOUR,
            "公园滑滑梯旁边树上有个大马蜂窝",
        ),
    ),
    _duplicate(
        "double submission: the same photo report sent twice two minutes apart",
        _report(
            PHOTO,
            "0102",
            _at(GULOU_GATE, 15, -5),
            0,
            "鼓楼新村门口垃圾箱满了",
            phone="15159942268",
        ),
        _report(
            PHOTO,
            "0102",
            _at(GULOU_GATE, 17, -3),
            2,
            "鼓楼新村门口垃圾箱满了",
            phone="15159942268",
        ),
    ),
    _duplicate(
        "double submission: a QR report re-sent a minute later with one more sentence",
        _report(QR, "0804", _at(DONGFANG_POSTER), 0, "三期的房子到现在还不交"),
        _report(
            QR,
            "0804",
            _at(DONGFANG_POSTER),
            1,
            "三期的房子到现在还不交，开发商电话也不接",
        ),
    ),
    _duplicate(
        "same heap of dead shared bikes on the 新华都 pavement: parking vs unclassified",
        _report(
            PHOTO,
            "0504",
            _at(XINHUADU, 20, 60),
            0,
            "共享单车堆成山了，人行道都过不去",
        ),
        _report(
            WEB,
            None,
            _at(XINHUADU, 0, 40),
            DAY + 6 * HOUR,
            "新华都门口共享单车乱堆\n新华都东侧人行道上堆了几十辆坏掉的共享单车，好多没有车座，"
            "已经半个月了，企业也不来收。",
        ),
    ),
    _distinct(
        "a complaint and a later praise for the fix: 'thanks, the 阳光花园 lamp works now'",
        _report(
            HOTLINE,
            "0101",
            _at(YANGGUANG_GATE),
            0,
            "阳光花园门口路灯不亮。市民来电反映：建安大道88号阳光花园小区正门右手边的路灯"
            "已经连续三个晚上不亮，希望尽快派人维修。",
            phone="13805991234",
        ),
        _report(
            HOTLINE,
            "0101",
            _at(YANGGUANG_GATE),
            4 * DAY,
            "表扬：来电人称前几天反映的阳光花园门口路灯已经修好，感谢城管部门处理及时。",
            phone="13805991234",
        ),
    ),
    _distinct(
        "a dark lamp at the 建安新村 stop vs a suggestion to light the unlit lane behind it",
        _report(
            PHOTO,
            "0101",
            _at(JIANAN_XINCUN_STOP, -6, 10),
            0,
            "建安新村公交站旁边路灯不亮，等车黑灯瞎火的",
        ),
        _report(
            WEB,
            "0101",
            _at(JIANAN_XINCUN, -40, 60),
            2 * DAY,
            "建议加装路灯\n建安新村公交站到小区北门中间那条小路一直没有路灯，晚上下班走很害怕，"
            "建议加装几盏。",
        ),
    ),
    _distinct(
        "one crash, two pieces of kit owned by different units: the lamp post vs the guardrail",
        _report(PHOTO, "0101", _at(XINHUADU, -10, 5), 0, "路灯杆被车撞歪了，快倒了！"),
        _report(
            PATROL,
            "0505",
            _at(XINHUADU, -12, 40),
            2 * HOUR,
            "中山路新华都门口道路中央隔离护栏被撞倒约6米，已设置警示。",
        ),
    ),
    _distinct(
        "a consultation about renovation hours vs a complaint about a neighbour's drilling",
        _report(
            HOTLINE,
            None,
            None,
            0,
            "来电人咨询：住宅小区装修施工允许的时间段是几点到几点，周末能否施工。已答复。",
            phone="15280631127",
        ),
        _report(
            HOTLINE,
            "0201",
            None,
            3 * HOUR,
            "来电人反映：东门路金色年华KTV楼上5楼住户装修，周末早上7点就开始电钻，要求规范装修时间。",
            phone="13559902276",
        ),
    ),
    _distinct(
        "a leak inside a flat (house quality) vs the burst main in the street 140 m away",
        _report(
            PHOTO,
            None,
            _at(RENMIN_JINJIANG, 3, -2),
            0,
            "路面在冒水，水柱有半米高",
        ),
        _report(
            HOTLINE,
            "0803",
            _at(JINJIANG),
            5 * HOUR,
            "来电人反映：锦江花园3栋701厨房墙内水管漏水，墙面一直渗水发霉，开发商保修期内不处理。",
            phone="17750962213",
        ),
    ),
    _distinct(
        "same 和平里 gate road, different defects 100 m apart: a rattling cover vs a missing one",
        _report(
            PATROL,
            "0105",
            _at(HEPINGLI_GATE, 8, 10),
            0,
            "和平里小区门口机动车道井盖松动，车辆碾压有异响。",
        ),
        _report(
            PHOTO,
            "0105",
            _at(HEPINGLI_GATE, -60, -70),
            DAY,
            "和平里西边路口雨水井盖没了",
        ),
    ),
    _distinct(
        "same bus stop weeks apart, different kit: the smashed shelter vs a faded timetable",
        _report(
            PATROL,
            "0505",
            _at(JIANAN_XINCUN_STOP, 5, 8),
            0,
            "建安新村公交站亭玻璃破碎，碎玻璃散落站台，已简单清理。",
        ),
        _report(
            WEB,
            "0501",
            _at(JIANAN_XINCUN_STOP),
            3 * WEEK,
            "站牌信息看不清\n建安新村公交站站牌褪色，线路和首末班时间都看不清了，建议更换。",
        ),
    ),
    _distinct(
        "same spot on 中山路, different problem: an oil slick from a van vs the bank's lamp",
        _report(PATROL, "0101", _at(ZHONGSHAN_120, 5, -5), 0, "中山路120号农行门口路灯不亮。"),
        _report(
            PHOTO,
            None,
            _at(ZHONGSHAN_120, -2, 3),
            5 * HOUR,
            "农行门口路上一大片油，好几个骑电动车的都滑倒了",
        ),
    ),
    _distinct(
        "a billboard too bright at night vs the dark street lamp below it, same spot",
        _report(PHOTO, "0101", _at(ZHONGSHAN_JIANAN, 12, -15), 0, "路口路灯不亮"),
        _report(
            QR,
            None,
            _at(ZHONGSHAN_JIANAN, 40, -20),
            2 * DAY,
            "路口楼顶的LED广告屏晚上太亮了，照得卧室跟白天一样，十二点还不关",
        ),
    ),
    # ---------------------------------------------------------------------------------------
    # Same template, different place: agents, grid workers and residents reuse the same
    # words; only the address (or the poster's point) tells these apart.
    # ---------------------------------------------------------------------------------------
    _distinct(
        "patrol template, same street: lamps outside 书坊街 No. 12 and No. 88, 500 m apart",
        _report(PATROL, "0101", _at(SHUFANG_MID, 0, -300), 0, "巡查发现：书坊街12号门前路灯不亮。"),
        _report(PATROL, "0101", _at(SHUFANG_MID, 5, 200), 40, "巡查发现：书坊街88号门前路灯不亮。"),
    ),
    _distinct(
        "identical QR text from two communities' posters 1.9 km apart (锦江花园 vs 桂园)",
        _report(QR, "0701", _at(JINJIANG_POSTER), 0, "楼道堆放杂物，堵住消防通道"),
        _report(QR, "0701", _at(GUIYUAN_POSTER), 3 * HOUR, "楼道堆放杂物，堵住消防通道"),
    ),
    _distinct(
        "agent's template 'lamp out at the compound gate' for 阳光花园 vs 桂园小区, 1.8 km apart",
        _report(
            HOTLINE,
            "0101",
            _at(YANGGUANG_GATE),
            0,
            "小区门口路灯不亮。市民来电反映：阳光花园小区大门口路灯不亮，请尽快维修。",
            phone="13805991234",
        ),
        _report(
            HOTLINE,
            "0101",
            _at(GUIYUAN),
            DAY,
            "小区门口路灯不亮。市民来电反映：桂园小区大门口路灯不亮，请尽快维修。",
            phone="15060938827",
        ),
    ),
    _distinct(
        "agent's outage template for 溪南雅苑 and 东方名城, three days apart, 1.7 km apart",
        _report(
            HOTLINE,
            "0601",
            _at(XINAN_YAYUAN),
            0,
            "小区停水。来电人反映：溪南雅苑小区停水，无停水通知，要求尽快恢复供水。",
            phone="13774920016",
        ),
        _report(
            HOTLINE,
            "0601",
            _at(DONGFANG),
            3 * DAY,
            "小区停水。来电人反映：东方名城小区停水，无停水通知，要求尽快恢复供水。",
            phone="18359902241",
        ),
    ),
    _distinct(
        "identical two-word photo texts on the same morning, 650 m apart (府前路 vs 人民路)",
        _report(PHOTO, "0105", _at(FUQIAN_JIEFANG, -10, -60), 0, "井盖缺失"),
        _report(PHOTO, "0105", _at(SHIYAN_GATE, 10, 120), 2 * HOUR, "井盖缺失"),
    ),
    _distinct(
        "identical photo texts 300 m apart on 中山路, an hour apart: two different holes",
        _report(PHOTO, "0104", _at(XINHUADU, -18, 25), 0, "路面坑洼，注意安全"),
        _report(PHOTO, "0104", _at(ZHONGSHAN_120, -15, -20), HOUR, "路面坑洼，注意安全"),
    ),
    _distinct(
        "unlocated lift calls, same words, different compounds: 锦江花园 5栋 vs 桂园小区 5栋",
        _report(
            HOTLINE,
            "0802",
            None,
            0,
            "来电人反映：锦江花园5栋电梯故障已停运两天，物业未告知维修时间，请督促处理。",
            phone="13950978820",
        ),
        _report(
            HOTLINE,
            "0802",
            None,
            4 * HOUR,
            "来电人反映：桂园小区5栋电梯故障已停运两天，物业未告知维修时间，请督促处理。",
            phone="15980910046",
        ),
    ),
    _distinct(
        "web noise template with no point: renovation drilling at two different addresses",
        _report(
            WEB,
            "0201",
            None,
            0,
            "装修噪音扰民\n和平里小区9栋楼上装修每天中午12点到2点也在施工，严重影响休息。",
        ),
        _report(
            WEB,
            "0201",
            None,
            2 * DAY,
            "装修噪音扰民\n御景湾小区6栋楼上装修每天中午12点到2点也在施工，严重影响休息。",
        ),
    ),
    _distinct(
        "patrol template 'street trading' at two markets 2.4 km apart (东门 vs 水南)",
        _report(
            PATROL,
            "0305",
            _at(DONGMEN_MARKET, 60, -60),
            0,
            "东门菜市场北侧流动摊贩占道经营，已劝离。",
        ),
        _report(
            PATROL,
            "0305",
            _at(SHUINAN_MARKET, 30, 0),
            HOUR,
            "水南农贸市场北侧流动摊贩占道经营，已劝离。",
        ),
    ),
    _distinct(
        "patrol template 'refuse pool full' in two villages 1.4 km apart (樟埠村 vs 溪源村)",
        _report(
            PATROL,
            "0102",
            _at(ZHANGBU, 5, 10),
            0,
            "樟埠村村口垃圾池满溢，清运不及时，已联系镇环卫站。",
        ),
        _report(
            PATROL,
            "0102",
            _at(XIYUAN, -20, 30),
            2 * HOUR,
            "溪源村村口垃圾池满溢，清运不及时，已联系镇环卫站。",
        ),
    ),
    _distinct(
        "same QR wording about the fire lane, different communities (锦江花园 vs 和平里)",
        _report(QR, "0504", _at(JINJIANG_POSTER), 0, "消防通道被私家车占了，物业不管"),
        _report(QR, "0504", _at(HEPINGLI_POSTER), DAY, "消防通道被私家车占了，物业不管"),
    ),
    _distinct(
        "agent's arrears template for two different employers' sites, both unlocated",
        _report(
            HOTLINE,
            "0401",
            None,
            0,
            "欠薪求助。来电人反映：其在御景湾二期工地务工，被拖欠工资，请求劳动监察介入。",
            phone="13627039915",
        ),
        _report(
            HOTLINE,
            "0401",
            None,
            DAY,
            "欠薪求助。来电人反映：其在溪东路锦绣花园三期工地务工，被拖欠工资，请求劳动监察介入。",
            phone="17605998831",
        ),
    ),
    _distinct(
        "Minsheng noise template for the KTV and for 蓝调酒吧 250 m away, same night",
        _report(
            MINSHENG,
            "0201",
            _at(KTV),
            0,
            "民生110转：东门路金色年华KTV凌晨仍在高声播放音乐，楼上居民投诉噪音扰民。",
            phone="13950690027",
        ),
        _report(
            MINSHENG,
            "0201",
            _at(KTV, -60, 240),
            50,
            "民生110转：东门路蓝调酒吧凌晨仍在高声播放音乐，楼上居民投诉噪音扰民。",
            phone="18965901274",
        ),
    ),
    _distinct(
        "patrol template 'trailing charging cables' in 建安新村 and 鼓楼新村, 400 m apart",
        _report(
            PATROL,
            "0701",
            _at(JIANAN_XINCUN, 30, -20),
            0,
            "建安新村7栋一楼楼道电动车违规停放充电，飞线充电3处，已劝导。",
        ),
        _report(
            PATROL,
            "0701",
            _at(GULOU_B5, 10, 10),
            HOUR,
            "鼓楼新村5栋一楼楼道电动车违规停放充电，飞线充电2处，已劝导。",
        ),
    ),
    _distinct(
        "one-line QR 'lamp out' from two communities' posters 900 m apart (滨江 vs 锦江花园)",
        _report(QR, "0101", _at(BINJIANG_POSTER), 0, "门口路灯不亮"),
        _report(QR, "0101", _at(JINJIANG_POSTER), 5 * HOUR, "门口路灯不亮"),
    ),
    _distinct(
        "same building number, different compounds: power cut at 和平里 3栋 vs 紫阳小区 3栋",
        _report(
            HOTLINE,
            "0603",
            None,
            0,
            "来电人反映：和平里小区3栋晚上9点突然停电，整栋楼都没电，请尽快抢修。",
            phone="15959910823",
        ),
        _report(
            HOTLINE,
            "0603",
            None,
            2 * DAY,
            "来电人反映：紫阳小区3栋晚上突然停电，整栋楼都没电，请尽快抢修。",
            phone="13850998162",
        ),
    ),
    _distinct(
        "identical photo texts at 御景湾 and 锦江花园 the same evening, 380 m apart",
        _report(PHOTO, "0102", _at(YUJINGWAN, 40, 30), 0, "垃圾没人清"),
        _report(PHOTO, "0102", _at(JINJIANG_B8, 5, 5), 3 * HOUR, "垃圾没人清"),
    ),
    _distinct(
        "agent's 'cover missing at the gate' template for 桂园 and 紫阳小区, 650 m apart",
        _report(
            HOTLINE,
            "0105",
            _at(GUIYUAN),
            0,
            "小区门口井盖丢失。市民来电反映：桂园小区大门口人行道上的井盖丢失，请尽快补上。",
            phone="13905997625",
        ),
        _report(
            HOTLINE,
            "0105",
            _at(ZIYANG),
            5 * DAY,
            "小区门口井盖丢失。市民来电反映：紫阳小区大门口人行道上的井盖丢失，请尽快补上。",
            phone="18705992260",
        ),
    ),
    _distinct(
        "same building number, different compounds: rooftop shed on 鼓楼新村 5栋 vs 建安新村 5栋",
        _report(
            WEB,
            "0103",
            _at(GULOU_B5, 10, -15),
            0,
            "举报违章搭建\n鼓楼新村5号楼顶楼住户在楼顶平台搭彩钢棚，请尽快拆除。",
        ),
        _report(
            WEB,
            "0103",
            _at(JIANAN_XINCUN, -20, 30),
            6 * DAY,
            "举报违章搭建\n建安新村5号楼顶楼住户在楼顶平台搭彩钢棚，请尽快拆除。",
        ),
    ),
    _distinct(
        "same patrol template on one road 400 m apart: rubble by 锦绣路 vs by the petrol station",
        _report(
            PATROL,
            "0205",
            _at(XIDONG_ROAD_A, 30, -150),
            0,
            "溪东路人行道旁堆放装修垃圾约3方，已通知清运。",
        ),
        _report(
            PATROL,
            "0205",
            _at(XIDONG_SITE_B, -30, 100),
            DAY,
            "溪东路人行道旁堆放装修垃圾约3方，已通知清运。",
        ),
    ),
    # ---------------------------------------------------------------------------------------
    # The same caller about another problem: the phone number matches, the problem does not.
    # ---------------------------------------------------------------------------------------
    _distinct(
        "same caller, same road, two days apart: the gate lamp, then a pothole 300 m north",
        _report(
            HOTLINE,
            "0101",
            _at(YANGGUANG_GATE),
            0,
            "市民来电反映：建安大道88号阳光花园小区正门右手边的路灯不亮，请维修。",
            phone="13805991234",
        ),
        _report(
            HOTLINE,
            "0104",
            _at(YANGGUANG_GATE, 300, 10),
            2 * DAY,
            "来电人反映：建安大道阳光花园往北三百米左右，非机动车道有一处路面塌陷，请修补。",
            phone="13805991234",
        ),
    ),
    _distinct(
        "same caller, same category: the lamp at home (阳光花园) vs one by work (东门路), 1.6 km",
        _report(
            HOTLINE,
            "0101",
            _at(YANGGUANG_GATE),
            0,
            "市民来电反映：建安大道88号阳光花园小区正门右手边的路灯不亮，请维修。",
            phone="13805991234",
        ),
        _report(
            HOTLINE,
            "0101",
            _at(DONGMEN_ROAD_LAMP),
            WEEK,
            "来电人反映：东门路邮政局门口的路灯不亮，其在附近上班，晚上下班路很黑，请维修。",
            phone="13805991234",
        ),
    ),
    _distinct(
        "same caller, different matters: a gym's prepaid card vs a hotel's unpaid wages",
        _report(
            HOTLINE,
            "0303",
            None,
            0,
            "来电人反映：中山路新华都三楼力美健身房突然关门，办的年卡还有8个月没用，要求退费。",
            phone="18659990341",
        ),
        _report(
            HOTLINE,
            "0401",
            None,
            10 * DAY,
            "来电人反映：在滨江大酒店做服务员，离职后酒店拖欠最后一个月工资3200元。",
            phone="18659990341",
        ),
    ),
    _distinct(
        "same caller, different matters: the 水南 vaccination room vs school-gate vendors",
        _report(
            HOTLINE,
            "0905",
            _at(SHUINAN_MARKET, 80, -120),
            0,
            "来电人反映：水南社区卫生服务中心今天预防接种门诊没开门，也没有提前通知。",
            phone="13615096617",
        ),
        _report(
            HOTLINE,
            "0305",
            _at(SHIYAN_GATE),
            9 * DAY,
            "来电人反映：实验小学门口放学时有流动摊贩卖油炸食品，卫生堪忧。",
            phone="13615096617",
        ),
    ),
    _distinct(
        "same caller, same compound: 桂园's outage, then a property fee row three days later",
        _report(
            HOTLINE,
            "0601",
            _at(GUIYUAN),
            0,
            "桂园小区停水。来电人反映：桂园小区从早上8点开始停水，没有接到任何停水通知。",
            phone="13959991052",
        ),
        _report(
            HOTLINE,
            "0801",
            _at(GUIYUAN),
            3 * DAY,
            "来电人反映：桂园小区物业今年物业费每平米涨了0.5元，没有开业主大会，要求说明。",
            phone="13959991052",
        ),
    ),
    _distinct(
        "same grid worker, 10 minutes and 80 m apart: a dark lamp and a cracked cover",
        _report(PATROL, "0101", _at(HEPINGLI_GATE, 40, 60), 0, "和平里小区门口东侧路灯不亮。"),
        _report(
            PATROL,
            "0105",
            _at(HEPINGLI_GATE, -10, -5),
            10,
            "和平里小区门口人行道污水井盖破损。",
        ),
    ),
    _distinct(
        "same caller, different matters: taxi T5237's flat fare vs route 3's skipped stop",
        _report(
            HOTLINE,
            "0502",
            None,
            0,
            "来电人反映：昨晚从汽车站打车到水南街道，出租车闽H·T5237未打表，一口价收了50元。",
            phone="15280912063",
        ),
        _report(
            HOTLINE,
            "0501",
            None,
            5 * DAY,
            "来电人反映：3路公交车不停建安新村站，早上等车司机直接开过去。",
            phone="15280912063",
        ),
    ),
    _distinct(
        "same user, same category, different compounds: her own 锦江花园 vs her mother's 御景湾",
        _report(
            PHOTO,
            "0102",
            _at(JINJIANG_B3, 6, -4),
            0,
            "垃圾满出来了",
            phone="15880237719",
        ),
        _report(
            PHOTO,
            "0102",
            _at(YUJINGWAN, 40, 30),
            WEEK,
            "我妈小区的垃圾桶也是满的，一个礼拜没人收",
            phone="15880237719",
        ),
    ),
    _distinct(
        "same caller, same KTV, different problem: the music vs an illegal rear extension",
        _report(
            HOTLINE,
            "0201",
            None,
            0,
            "来电人反映：家住东门路金色年华KTV楼上，KTV每天营业到凌晨两三点，低音炮震得床都在响。",
            phone="18659967735",
        ),
        _report(
            HOTLINE,
            "0103",
            _at(KTV, -20, 10),
            2 * WEEK,
            "来电人反映：东门路金色年华KTV在后院私自搭建两层钢结构包厢，占用消防通道，请城管查处。",
            phone="18659967735",
        ),
    ),
    _distinct(
        "same caller, same building: the 1802 ceiling leak vs a neighbour's dog on the stairs",
        _report(
            HOTLINE,
            "0803",
            _at(DONGFANG),
            0,
            "来电人反映：东方名城9栋1802室去年交房，现在卫生间顶部渗水，开发商维修两次仍未修好。",
            phone="18805993671",
        ),
        _report(
            HOTLINE,
            "1004",
            _at(DONGFANG),
            20 * DAY,
            "来电人反映：东方名城9栋有住户把大狗拴在楼梯间，随地大小便，见人就叫。",
            phone="18805993671",
        ),
    ),
    # ---------------------------------------------------------------------------------------
    # More look-alikes: the same kind of trouble at another spot, or back after it was dealt with.
    # ---------------------------------------------------------------------------------------
    _distinct(
        "square dancing the same evening in two parks 1.2 km apart (滨江公园 vs 人民公园)",
        _report(
            QR,
            "0201",
            _at(BINJIANG_POSTER),
            0,
            "滨江公园广场舞音响开得太大了，每天晚上七点到十点，楼上都能听得清清楚楚",
        ),
        _report(
            HOTLINE,
            "0201",
            _at(PEOPLE_PARK_PLAY),
            HOUR,
            "来电人反映：人民公园广场每晚跳广场舞音响很大，附近居民无法休息。",
            phone="13860915526",
        ),
    ),
    _distinct(
        "recurrence: the 下洋村 field fire was put out and closed; another burn four weeks later",
        _report(
            PHOTO,
            "0202",
            _at(XIAYANG, 30, 40),
            0,
            "有人在田里烧东西，烟好大",
            phone="15759920174",
        ),
        _report(
            PHOTO,
            "0202",
            _at(XIAYANG, 10, 60),
            4 * WEEK,
            "又在烧秸秆了，上次不是说不准烧吗",
            phone="15759920174",
        ),
    ),
    _distinct(
        "recurrence: the 府前路 gas leak was repaired and closed; a smell again six weeks later",
        _report(
            MINSHENG,
            "0702",
            _at(FUQIAN_12, 0, 40),
            0,
            "民生110转：府前路20号一家早餐店附近有很浓的燃气味，疑似燃气泄漏，请立即处置。",
            phone="13799160023",
        ),
        _report(
            HOTLINE,
            "0702",
            _at(FUQIAN_12, 0, 40),
            6 * WEEK,
            "来电人反映：府前路20号早餐店门口又闻到燃气味，上个月燃气公司来修过一次。",
            phone="13799160023",
        ),
    ),
    _distinct(
        "recurrence: the 溪东路 site was fined and cleaned up; mud and dust again two months later",
        _report(
            PATROL,
            "0202",
            _at(XIDONG_SITE_A, -10, 5),
            0,
            "溪东路在建工地出入口未冲洗车辆，道路扬尘，已告知项目部。",
        ),
        _report(
            PATROL,
            "0202",
            _at(XIDONG_SITE_A, -5, 0),
            60 * DAY,
            "溪东路在建工地冲洗设备停用，出入口道路扬尘反弹，已再次告知项目部。",
        ),
    ),
    _distinct(
        "two hornets' nests the same week: by the 人民公园 playground vs in 潭城一中's grounds",
        _report(
            PHOTO,
            None,
            _at(PEOPLE_PARK_PLAY, 20, -10),
            0,
            "公园滑滑梯旁边树上有个大马蜂窝",
        ),
        _report(
            HOTLINE,
            None,
            _at(YIZHONG),
            3 * DAY,
            "来电人反映：潭城一中操场边教学楼屋檐下有马蜂窝，学生下课经过很危险，请消防摘除。",
            phone="13506991150",
        ),
    ),
    _distinct(
        "a dead dog on 滨江路, and a week later a dead cat 150 m on: another carcass",
        _report(PHOTO, "0102", _at(BINJIANG_ROAD_E, 10, -30), 0, "如图，路中间"),
        _report(
            PHOTO,
            "0102",
            _at(BINJIANG_ROAD_E, 0, 120),
            WEEK,
            "滨江路上有只死猫被压扁了，没人清",
        ),
    ),
    _distinct(
        "two shops' loudspeakers on 中山路 280 m apart: the phone shop vs a pharmacy",
        _report(PHOTO, "0201", _at(XINHUADU, 15, -20), 0, "手机店门口喇叭循环喊，吵死了"),
        _report(
            QR,
            "0201",
            _at(ZHONGSHAN_120, 10, -10),
            2 * DAY,
            "农行旁边那家大药房门口天天放喇叭喊促销，一喊一整天",
        ),
    ),
    _distinct(
        "same junction 府前路/解放街, different kit: a dark street lamp vs the fallen sign",
        _report(
            PATROL,
            "0101",
            _at(FUQIAN_JIEFANG, 8, 12),
            0,
            "巡查发现：府前路与解放街交叉口东北角路灯不亮，已拍照上报。",
        ),
        _report(
            PHOTO,
            "0505",
            _at(FUQIAN_JIEFANG, -20, 30),
            DAY,
            "路牌掉下来了，砸到人怎么办",
        ),
    ),
    _distinct(
        "same sorting kiosk at 御景湾, different problem: its dirt vs a resident burning leaves",
        _report(
            QR,
            "0102",
            _at(YUJINGWAN_POSTER),
            0,
            "北门垃圾亭那里又脏又臭，地上全是污水，没人管",
        ),
        _report(
            PHOTO,
            "0202",
            _at(YUJINGWAN, 30, 25),
            5 * HOUR,
            "有人在垃圾亭旁边烧落叶，烟全飘进楼里了",
        ),
    ),
    _distinct(
        "two unlicensed clinics: 东门路 36号's drip room vs a dentist in 水南 without a licence",
        _report(
            HOTLINE,
            "0305",
            _at(DONGMEN_ROAD_32, 20, 30),
            0,
            "来电人反映：东门路36号二楼有人无证开诊所，给人打吊针，没有任何资质公示，请卫生部门查处。",
            phone="15280698832",
        ),
        _report(
            WEB,
            "0305",
            _at(SHUINAN_MARKET, -30, 90),
            5 * DAY,
            "举报无证牙科诊所\n水南农贸市场旁边有家镶牙店，没有医疗机构执业许可证，器械也不消毒。",
        ),
    ),
)
