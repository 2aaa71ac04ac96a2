"""The packages' imports go one way, as docs/architecture.md draws them: no two of app's
packages (or top-level modules) import each other, but for the pairs it lists with the
reason a direction has not been chosen yet."""

import ast
import re
from collections import defaultdict
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
APP = ROOT / "app"
ARCHITECTURE = (ROOT / "docs" / "architecture.md").read_text(encoding="utf-8")
SECTION = ARCHITECTURE.split("## The packages and the direction of their imports", 1)[1]
SECTION = SECTION.split("\n## ", 1)[0]

# The pairs still importing each other, each explained under "Pairs that still import
# each other": a new pair fails the test, and so does one listed here once it is gone.
ALLOWED_PAIRS = {
    ("sla", "tickets"),
}
# The arrows that point up the picture (marked ↑ there): one side of each pair above.
UPWARD = {
    ("sla", "tickets"),
}


def _node(module: str) -> str | None:
    """The package (or top-level module) of app that `module` is in; None outside app."""
    parts = module.split(".")
    if parts[0] != "app" or len(parts) < 2:
        return None
    name = parts[1]
    return name if (APP / name).is_dir() or (APP / f"{name}.py").is_file() else None


def _imported(tree: ast.Module) -> set[str]:
    """Every module a file imports, wherever the import stands (in a function, or under
    `if TYPE_CHECKING:`: the arrow is there for a reader all the same)."""
    modules: set[str] = set()
    for node in ast.walk(tree):
        if isinstance(node, ast.Import):
            modules.update(alias.name for alias in node.names)
        elif isinstance(node, ast.ImportFrom):
            assert node.level == 0, "app imports by absolute names"
            if node.module is not None:
                modules.add(node.module)
                # `from app import tickets` names the package in the alias.
                modules.update(f"{node.module}.{alias.name}" for alias in node.names)
    return modules


def import_arrows() -> dict[str, dict[str, set[str]]]:
    """arrows[a][b]: the files of `a` that import something of `b`."""
    arrows: dict[str, dict[str, set[str]]] = defaultdict(lambda: defaultdict(set))
    for path in sorted(APP.rglob("*.py")):
        importer = _node(".".join(path.relative_to(ROOT).with_suffix("").parts))
        assert importer is not None
        for module in _imported(ast.parse(path.read_text(encoding="utf-8"))):
            imported = _node(module)
            if imported is not None and imported != importer:
                arrows[importer][imported].add(str(path.relative_to(ROOT)))
    return arrows


def mutual_pairs(arrows: dict[str, dict[str, set[str]]]) -> dict[tuple[str, str], str]:
    """Each pair importing each other, with a file of each side that does it."""
    return {
        (a, b): f"{min(arrows[a][b])} imports {b}, {min(arrows[b][a])} imports {a}"
        for a in arrows
        for b in arrows[a]
        if a < b and a in arrows.get(b, {})
    }


def picture_heights() -> dict[str, int]:
    """Each package's line in the picture, counted from the bottom one (1)."""
    block = SECTION.split("```text\n", 1)[1].split("```", 1)[0]
    lines = []
    for line in block.splitlines():
        if line.startswith(" "):  # a description going on
            continue
        names = re.split(r"\s{2,}", line)[0]  # the description starts after two spaces
        lines.append(re.findall(r"([a-z_0-9]+)(?:/|\.py)", names))
    return {name: len(lines) - row for row, names in enumerate(lines) for name in names}


def test_no_two_packages_import_each_other_but_the_documented_pairs() -> None:
    found = mutual_pairs(import_arrows())
    new = {pair: files for pair, files in found.items() if pair not in ALLOWED_PAIRS}
    assert not new, f"these import each other; choose a direction: {new}"
    gone = ALLOWED_PAIRS - found.keys()
    assert not gone, f"these no longer import each other; drop them here and in the docs: {gone}"


def test_every_allowed_pair_is_explained() -> None:
    pairs = SECTION.split("**Pairs that still import each other**", 1)[1]
    for a, b in sorted(ALLOWED_PAIRS):
        assert f"`{a}` and `{b}`" in pairs, (a, b)


def test_every_arrow_points_down_the_picture_but_the_marked_ones() -> None:
    arrows = import_arrows()
    heights = picture_heights()
    nodes = set(arrows) | {b for targets in arrows.values() for b in targets}
    assert not nodes - heights.keys(), f"missing from the picture: {nodes - heights.keys()}"
    assert not heights.keys() - nodes, f"no longer in app: {heights.keys() - nodes}"
    wrong = {
        (a, b): sorted(files)[0]
        for a, targets in arrows.items()
        for b, files in targets.items()
        if heights[b] >= heights[a] and (a, b) not in UPWARD
    }
    assert not wrong, f"these arrows point up or sideways in the picture: {wrong}"
    stale = {(a, b) for a, b in UPWARD if b not in arrows.get(a, {}) or heights[b] < heights[a]}
    assert not stale, f"these are no longer arrows pointing up: {stale}"
    for a, b in UPWARD:
        assert f"↑ {a} → " in SECTION, (a, b)
        assert b in SECTION.split(f"↑ {a} → ", 1)[1].split(":")[0], (a, b)


def test_the_arrows_are_read_from_the_code() -> None:
    arrows = import_arrows()
    # Intake is at the top: it uses tickets, and nothing of tickets knows intake.
    assert "app/intake/flow.py" in arrows["intake"]["tickets"]
    assert "intake" not in arrows["tickets"]
    # `from app import exports` is an arrow too.
    assert "app/tickets/router.py" in arrows["tickets"]["exports"]
    # The field's words are the bottom: they import nothing of app.
    assert "vocabulary" not in arrows
