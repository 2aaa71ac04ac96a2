"""Mutation testing: does a module's test suite fail when one of its rules breaks?

    .venv/bin/python -m tools.mutate app/tickets/scoping.py [--tests PATH ...] [--lines 20-31]

Each mutant (tools/mutants.py: one small change) is written over the module in place, the
module's tests run against it with `pytest -x`, and the original is put back, byte for byte
and with its times, before the next: also on Ctrl-C or SIGTERM, and, should the process be
killed outright, on the next run, from the copy kept in `.mutate/`. A mutant is caught when
the tests fail (or hang past a timeout set from the unchanged run); the survivors are listed
with their line and change, for a test to be written or the change judged equivalent.

Each run is a fork of this process, which has imported pytest and the libraries the app
stands on once, so a run starts from them; the project's own modules are never imported
here (the mutants are listed in a subprocess), so each run reads the mutated source.

The tests run on the databases the environment names, as pytest does: unset
TEST_POSTGRES_URL for a run on SQLite alone, several times faster.
"""

import argparse
import contextlib
import importlib
import importlib.util
import json
import os
import shutil
import signal
import subprocess
import sys
import time
import warnings
from collections.abc import Iterator, Sequence
from dataclasses import dataclass
from pathlib import Path
from types import FrameType

from tools.mutants import Mutant

ROOT = Path(__file__).resolve().parent.parent
BACKUPS = ROOT / ".mutate"
# The modules whose rules must survive a mutation test (docs/architecture.md), with their
# own tests, the quick and pointed ones first (pytest stops at the first failure).
MODULE_TESTS: dict[str, tuple[str, ...]] = {
    "app/sla/business_time.py": ("tests/sla/test_business_time.py",),
    "app/tickets/scoping.py": ("tests/tickets/test_scoping.py", "tests/auth/test_access_matrix.py"),
    "app/idempotency/service.py": ("tests/tickets/test_idempotency.py",),
    "app/workflow/machine.py": ("tests/workflow/test_machine.py", "tests/workflow/test_actions.py"),
    "app/intake/_commit_group.py": (
        "tests/intake/test_commit_group.py",
        "tests/intake/test_loop_path.py",
    ),
    "app/auth/policy.py": ("tests/auth/test_access_matrix.py",),
    "app/auth/tokens.py": ("tests/auth/test_login.py",),
    "app/auth/throttle.py": ("tests/auth/test_login.py",),
    "app/privacy/disclosure.py": ("tests/privacy/test_personal_data.py",),
    "app/tickets/numbering.py": (
        "tests/intake/test_intake.py",
        "tests/intake/test_concurrency.py",
    ),
    "app/events/service.py": ("tests/events/test_feed.py", "tests/webhooks/test_delivery.py"),
    "app/webhooks/delivery.py": (
        "tests/webhooks/test_delivery.py",
        "tests/webhooks/test_workers.py",
    ),
    "app/webhooks/safety.py": ("tests/webhooks/test_subscriptions.py",),
    "app/kb/service.py": ("tests/kb/test_articles.py",),
}
# Imported once, before the first run: a run (a fork) starts from them rather than import
# them anew, a good part of a short run's time.
PRELOADED = (
    "pytest",
    "fastapi",
    "fastapi.testclient",
    "sqlalchemy.orm",
    "pydantic",
    "pydantic_settings",
    "uvicorn",
    "httpx",
    "PIL.Image",
    "shapely",
    "alembic",
    "psycopg",
    "jwt",
    "argon2",
    "orjson",
    "hypothesis",
)
# A mutant's run may take this many times the unchanged run (plus a minute) before it is
# taken for an endless loop, and so as caught.
TIMEOUT_FACTOR = 3


@dataclass(frozen=True)
class Outcome:
    mutant: Mutant
    caught: bool
    how: str  # "failed", "timed out", "survived"


def main(argv: Sequence[str] | None = None) -> int:
    parser = argparse.ArgumentParser(prog="python -m tools.mutate", description=__doc__)
    parser.add_argument("module", help="the module's path, e.g. app/tickets/scoping.py")
    parser.add_argument("--tests", nargs="+", help="test paths (default: the module's own)")
    parser.add_argument("--lines", help="only mutants on these lines, e.g. 20-31,40")
    parser.add_argument("--list", action="store_true", help="list the mutants, run nothing")
    arguments = parser.parse_args(argv)
    signal.signal(signal.SIGTERM, _interrupt)
    signal.signal(signal.SIGHUP, _interrupt)
    os.chdir(ROOT)
    restore_leftovers()

    path = Path(arguments.module)
    found = [m for m in _mutants_of(path) if _wanted(m.line, arguments.lines)]
    if arguments.list:
        for mutant in found:
            print(f"L{mutant.line:<4} {mutant.change}")
        print(f"{len(found)} mutants")
        return 0
    tests = tuple(arguments.tests or MODULE_TESTS.get(path.as_posix(), ()))
    if not tests:
        parser.error(f"no tests known for {path}: name them with --tests")

    try:
        return _run(path, found, tests)
    finally:
        if not any(p.is_file() for p in BACKUPS.rglob("*")):
            shutil.rmtree(BACKUPS, ignore_errors=True)


def _run(path: Path, found: list[Mutant], tests: tuple[str, ...]) -> int:
    with warnings.catch_warnings():
        warnings.simplefilter("ignore")
        for name in PRELOADED:
            with contextlib.suppress(ImportError):  # a run imports it, if it needs it
                importlib.import_module(name)
    started = time.monotonic()
    if _run_tests(tests, timeout=None) != "survived":
        print(f"The tests fail on the unchanged {path}; fix them first.", file=sys.stderr)
        return 2
    baseline = time.monotonic() - started
    timeout = TIMEOUT_FACTOR * baseline + 60
    print(f"{path}: {len(found)} mutants; tests {' '.join(tests)} take {baseline:.0f} s")

    outcomes = []
    for index, mutant in enumerate(found, 1):
        with mutated(path, mutant):
            how = _run_tests(tests, timeout)
        outcome = Outcome(mutant, how != "survived", how)
        outcomes.append(outcome)
        print(f"[{index:>3}/{len(found)}] {how:<9} L{mutant.line:<4} {mutant.change}", flush=True)
    report(path, outcomes)
    return 0


def report(path: Path, outcomes: list[Outcome]) -> None:
    caught = sum(outcome.caught for outcome in outcomes)
    score = caught / len(outcomes) if outcomes else 1.0
    print(f"\n{path}: {len(outcomes)} mutants, {caught} caught, score {score:.2f}")
    survivors = [outcome.mutant for outcome in outcomes if not outcome.caught]
    if survivors:
        print("Survivors (write a test, or say why the change is one no user could notice):")
        for mutant in survivors:
            print(f"  L{mutant.line:<4} {mutant.change}")


@contextlib.contextmanager
def mutated(path: Path, mutant: Mutant, backups: Path = BACKUPS) -> Iterator[None]:
    """The module (a path relative to the working directory) holds `mutant` inside the
    block, and its own text again after it."""
    backup = backups / path
    backup.parent.mkdir(parents=True, exist_ok=True)
    shutil.copy2(path, backup)  # with its times
    try:
        _remove_bytecode(path)
        path.write_text(mutant.source)
        yield
    finally:
        shutil.copy2(backup, path)
        backup.unlink()
        _remove_bytecode(path)


def restore_leftovers(backups: Path = BACKUPS) -> None:
    """Put back any module a killed run left mutated."""
    if not backups.exists():
        return
    for backup in sorted(p for p in backups.rglob("*") if p.is_file()):
        original = backup.relative_to(backups)
        print(f"Restoring {original}, left mutated by an interrupted run.", file=sys.stderr)
        shutil.copy2(backup, original)
        backup.unlink()
    shutil.rmtree(backups)


def _mutants_of(path: Path) -> list[Mutant]:
    """The module's mutants, listed by a subprocess: listing them imports the module, which
    this process must not have imported when it forks the runs."""
    listing = subprocess.run(
        [sys.executable, "-m", "tools.mutants", str(path)],
        check=True,
        capture_output=True,
        text=True,
    )
    return [Mutant(**fields) for fields in json.loads(listing.stdout)]


def _run_tests(tests: tuple[str, ...], timeout: float | None) -> str:
    """The tests' outcome, run in a fork of this process; its output is shown only for the
    run without a timeout (the unchanged module's)."""
    pid = os.fork()
    if pid == 0:
        _run_pytest(tests, quiet=timeout is not None)
    deadline = None if timeout is None else time.monotonic() + timeout
    try:
        while True:
            finished, status = os.waitpid(pid, os.WNOHANG)
            if finished:
                break
            if deadline is not None and time.monotonic() > deadline:
                os.kill(pid, signal.SIGKILL)
                os.waitpid(pid, 0)
                return "timed out"
            time.sleep(0.05)
    except BaseException:
        os.kill(pid, signal.SIGKILL)
        os.waitpid(pid, 0)
        raise
    # The unchanged module passed: any failure now, a failed test, a broken collection or
    # a conftest that no longer imports, is the mutant's doing.
    return "survived" if os.waitstatus_to_exitcode(status) == 0 else "failed"


def _run_pytest(tests: tuple[str, ...], *, quiet: bool) -> None:
    """In the forked child: run the tests and leave with pytest's exit code."""
    import pytest

    code = 3
    try:
        if quiet:
            devnull = os.open(os.devnull, os.O_WRONLY)
            os.dup2(devnull, 1)
            os.dup2(devnull, 2)
        code = int(pytest.main(["-x", "-q", "-p", "no:cacheprovider", *tests]))
        sys.stdout.flush()
        sys.stderr.flush()
    finally:
        os._exit(code)


def _remove_bytecode(path: Path) -> None:
    """A mutant of the same size and second as the one before must not be read back from
    the bytecode cache: the module's is removed before each run (the others' are kept)."""
    cached = Path(importlib.util.cache_from_source(str(path)))
    cached.unlink(missing_ok=True)


def _wanted(line: int, lines: str | None) -> bool:
    if lines is None:
        return True
    for part in lines.split(","):
        first, _, last = part.partition("-")
        if int(first) <= line <= int(last or first):
            return True
    return False


def _interrupt(_signum: int, _frame: FrameType | None) -> None:
    # An exception, unlike the default action, runs the finally block that restores the module.
    raise KeyboardInterrupt


if __name__ == "__main__":
    sys.exit(main())
