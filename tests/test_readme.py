"""The README tells a newcomer the truth: CI's command and every setting are in it."""

from pathlib import Path

from app.config import Settings

ROOT = Path(__file__).resolve().parent.parent
README = (ROOT / "README.md").read_text(encoding="utf-8")


def test_ci_runs_the_readme_test_command() -> None:
    ci_lines = (ROOT / ".ci" / "run").read_text(encoding="utf-8").splitlines()
    test_command = ci_lines[-1]
    assert test_command.startswith("python3 -m venv .venv")
    assert f"\n{test_command}\n" in README


def test_the_readme_sends_developers_to_an_architecture_that_names_every_package() -> None:
    architecture = (ROOT / "docs" / "architecture.md").read_text(encoding="utf-8")
    assert "(docs/architecture.md)" in README
    packages = [path.parent.name for path in (ROOT / "app").glob("*/__init__.py")]
    for package in sorted(packages):
        assert f"{package}/" in architecture, package


def test_every_setting_is_in_the_configuration_table() -> None:
    for name in Settings.model_fields:
        assert f"`HOTLINE_{name.upper()}`" in README, name
