"""A named example of each channel's intake body, for /docs: "Try it out" with one files a
real ticket in the demo city (its codes and points are the demo city's)."""

from typing import Any

# In the demo city (Tancheng): 观前社区, its first unit grid, and a point in it (GCJ-02).
DEMO_COMMUNITY = "351002001001"
DEMO_UNIT_GRID = "351002001001001"
_POINT = {"lat": 27.3300, "lon": 118.1200, "crs": "gcj02"}
_CALL = {
    "caller_number": "13812341234",
    "agent_id": "agent-07",
    "started_at": "2026-11-23T09:15:00+08:00",
    "recording_ref": "rec/2026/11/23/0915-0007.wav",
    "agent_summary": "市民反映路灯不亮三天，已告知转相关部门处理。",
}

INTAKE_EXAMPLES: dict[str, dict[str, Any]] = {
    "hotline_12345": {
        "summary": "12345 call (street light out)",
        "description": "Posted by the call-centre software once per call; `external_id` is "
        "the call id, so posting it again answers the first ticket (200).",
        "value": {
            "channel": "hotline_12345",
            "external_id": "call-20261123-0915-0007",
            "call": _CALL,
            "request_type": "complaint",
            "category_code": "0101",
            "description": "小区门口路灯不亮已经三天了，晚上出行很不方便。",
            "reporter": {"name": "张三", "phone": "13812341234"},
            "location": _POINT,
            "address": "潭城区建安大道88号",
        },
    },
    "minsheng_110": {
        "summary": "Minsheng 110 call diverted from 110 (night-time noise)",
        "value": {
            "channel": "minsheng_110",
            "external_id": "m110-20261123-2240-0013",
            "call": _CALL | {"agent_summary": "夜间施工噪音扰民。"},
            "incident_110_number": "110-20261123-0042",
            "request_type": "complaint",
            "category_code": "0201",
            "description": "晚上十一点还在施工，噪音很大，无法休息。",
            "reporter": {"name": "李四", "phone": "13912345678"},
            "address": "潭城区建安大道100号工地",
        },
    },
    "photo_report": {
        "summary": "Suishoupai photo report",
        "description": "Upload the photo first (POST /api/v1/photos) and put the id it "
        "answers in `photos`: this example's id names no stored photo, and is refused.",
        "value": {
            "channel": "photo_report",
            "external_id": "app-report-000123",
            "description": "路面塌陷一个大坑，电动车差点摔倒。",
            "photos": ["0" * 64],
            "location": _POINT,
        },
    },
    "qr_code": {
        "summary": "One village one code: a resident scanned the community's poster",
        "value": {
            "channel": "qr_code",
            "community_code": DEMO_COMMUNITY,
            "description": "楼道里堆放杂物，存在消防隐患。",
        },
    },
    "grid_patrol": {
        "summary": "A grid worker's patrol report",
        "value": {
            "channel": "grid_patrol",
            "external_id": "patrol-20261123-0042",
            "worker_id": "gw-0042",
            "grid_code": DEMO_UNIT_GRID,
            "category_code": "0105",
            "description": "巡查发现井盖缺失，已设置临时警示。",
        },
    },
    "web": {
        "summary": "Web portal suggestion",
        "value": {
            "channel": "web",
            "request_type": "suggestion",
            "description": "建议在公园增设健身器材。",
        },
    },
}
