"""Load the demo city into an empty database."""

from dataclasses import dataclass
from pathlib import Path
from typing import Any

from sqlalchemy.orm import Session

from app.categories.models import Category
from app.clock import utc_now
from app.demo.city import DemoCity, build_demo_city
from app.geo.crs import Crs
from app.grids.service import import_grid_map
from app.units.models import Department

# The demo city as a city's folder, which `hotline seed-demo` loads (app.city.folder);
# made by `hotline export-city` from the data below, with the demo passwords and keys.
DEMO_FOLDER = Path(__file__).with_name("tancheng")


@dataclass(frozen=True)
class SeedSummary:
    grids: int
    departments: int
    categories: int


def demo_grid_map(city: DemoCity) -> dict[str, Any]:
    """The demo city's grids as a GeoJSON FeatureCollection, the form real maps come in."""
    return {
        "type": "FeatureCollection",
        "features": [
            {
                "type": "Feature",
                "properties": {
                    "code": grid.code,
                    "name": grid.name,
                    "level": grid.level,
                    "parent_code": grid.parent_code,
                },
                "geometry": grid.boundary,
            }
            for grid in city.grids
        ],
    }


def seed_demo_city(session: Session, city: DemoCity | None = None) -> SeedSummary:
    """Add the demo city's grids, departments and categories (into an empty database:
    app.demo.guard checks)."""
    city = city or build_demo_city()
    now = utc_now()
    departments = {
        d.code: Department(code=d.code, name=d.name, created_at=now) for d in city.departments
    }
    session.add_all(departments.values())
    imported = import_grid_map(
        session, demo_grid_map(city), source_name="demo city", crs=Crs.WGS84, imported_by=None
    )
    categories: dict[str, Category] = {}
    for demo_category in city.categories:  # groups come first
        department = departments.get(demo_category.department_code or "")
        category = Category(
            code=demo_category.code,
            name=demo_category.name,
            parent_id=categories[demo_category.parent_code].id
            if demo_category.parent_code
            else None,
            default_priority=demo_category.default_priority,
            department_id=department.id if department else None,
        )
        session.add(category)
        session.flush()
        categories[category.code] = category
    return SeedSummary(imported.added, len(departments), len(categories))
