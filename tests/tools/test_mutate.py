"""The mutation tool: the changes it makes, and that a mutated module is always put back."""

import importlib.util
import os
from pathlib import Path
from types import ModuleType

import pytest

from tools.mutants import mutants
from tools.mutate import mutated, restore_leftovers

SAMPLE = '''"""A sample module."""

from enum import Enum

from sqlalchemy import or_


class Colour(Enum):
    RED = 1
    GREEN = 2


def pick(a: int, *others: int) -> int:
    return a


def rule(x: int, y: int) -> object:
    """Docstrings are left alone."""
    assert x >= 0
    total = x + y
    if x == y and total > 2:
        return pick(x, y, 3)
    return or_(x, Colour.RED)
'''


def _module(tmp_path: Path) -> ModuleType:
    path = tmp_path / "sample.py"
    path.write_text(SAMPLE)
    spec = importlib.util.spec_from_file_location("sample", path)
    assert spec is not None
    assert spec.loader is not None
    module = importlib.util.module_from_spec(spec)
    spec.loader.exec_module(module)
    return module


def test_each_mutant_is_one_small_change(tmp_path: Path) -> None:
    changes = {(m.line, m.change) for m in mutants(SAMPLE, _module(tmp_path))}
    assert changes == {
        (9, "1  ->  2"),
        (10, "2  ->  3"),
        (14, "a  ->  None"),
        (20, "total = x + y  ->  pass"),
        (20, "x + y  ->  (x - y)"),
        (21, "x == y and total > 2  ->  not (x == y and total > 2)"),
        (21, "x == y and total > 2  ->  (x == y or total > 2)"),
        (21, "x == y and total > 2  ->  (total > 2)"),
        (21, "x == y and total > 2  ->  (x == y)"),
        (21, "x == y  ->  (x != y)"),
        (21, "total > 2  ->  (total >= 2)"),
        (21, "2  ->  3"),
        (22, "pick(x, y, 3)  ->  None"),
        (22, "pick(x, y, 3)  ->  pick(x, 3)"),
        (22, "pick(x, y, 3)  ->  pick(x, y)"),
        (22, "3  ->  4"),
        (23, "or_(x, Colour.RED)  ->  None"),
        (23, "or_(x, Colour.RED)  ->  or_(Colour.RED)"),
        (23, "or_(x, Colour.RED)  ->  or_(x)"),
        (23, "Colour.RED  ->  Colour.GREEN"),
    }


def test_the_module_is_put_back_byte_for_byte_even_when_the_run_fails(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    monkeypatch.chdir(tmp_path)
    module = _module(tmp_path)
    before = Path("sample.py").stat()
    [first, *_] = mutants(SAMPLE, module)
    seen_inside = []

    def interrupted_run() -> None:
        with mutated(Path("sample.py"), first, Path(".backups")):
            seen_inside.append(Path("sample.py").read_text())
            raise KeyboardInterrupt  # Ctrl-C while the tests run

    with pytest.raises(KeyboardInterrupt):
        interrupted_run()
    assert seen_inside == [first.source]
    assert first.source != SAMPLE
    assert Path("sample.py").read_text() == SAMPLE
    assert Path("sample.py").stat().st_mtime_ns == before.st_mtime_ns
    assert not any(Path(".backups").rglob("*.py"))


def test_a_module_left_mutated_by_a_killed_run_is_restored_next_time(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    monkeypatch.chdir(tmp_path)
    (tmp_path / "backups" / "pkg").mkdir(parents=True)
    (tmp_path / "pkg").mkdir()
    Path("backups/pkg/mod.py").write_text("original = True\n")
    os.utime("backups/pkg/mod.py", ns=(1_000_000_000, 1_000_000_000))
    Path("pkg/mod.py").write_text("original = False\n")
    restore_leftovers(Path("backups"))
    assert Path("pkg/mod.py").read_text() == "original = True\n"
    assert Path("pkg/mod.py").stat().st_mtime_ns == 1_000_000_000
    assert not Path("backups").exists()
