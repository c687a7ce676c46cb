"""The docs describe the repo as it is: every path `docs/architecture.md` names exists, and nothing
in the repo points to documents outside it."""

from __future__ import annotations

import re
import subprocess
from pathlib import Path

ROOT = Path(__file__).resolve().parents[2]
ARCHITECTURE = ROOT / "docs" / "architecture.md"
_TOP_LEVEL = ("shared/", "services/", "tools/", "tests/", "docs/", "terraform/", "bench/", "briefs/")
_BACKTICKED = re.compile(r"`([^`\s]+)`")
# Names of the team's design notes kept beside the repo, which the repo must not rely on.
_OUTSIDE = re.compile(
    r"\.\./shared|/work/shared|\b(DESIGN|STYLE|PROVIDERS|COMPLIANCE)\.md\b|MEDIA-NOTES|LOCAL-AWS-NOTES"
)
_TEXT_SUFFIXES = {".py", ".md", ".toml", ".tf", ".json", ".yml", ".yaml", ".js", ".html", ".css", ".txt", ".cfg"}
_SKIPPED_DIRS = {".git", ".venv", "node_modules", ".pytest_cache", ".mypy_cache", ".ruff_cache", ".stack", "out"}


def repo_paths(text: str) -> list[str]:
    """The backticked repo paths in a document (`services/<name>/` templates are not paths)."""
    return [m for m in _BACKTICKED.findall(text) if m.startswith(_TOP_LEVEL) and "<" not in m]


def missing(paths: list[str], root: Path) -> list[str]:
    """The paths that name nothing in `root`; `pkg/module.name` names `name` in `pkg/module.py`."""
    absent = []
    for path in paths:
        if (root / path).exists():
            continue
        module, _, attribute = path.rpartition(".")
        source = root / f"{module}.py"
        if not (attribute and source.exists() and re.search(rf"\b{re.escape(attribute)}\b", source.read_text())):
            absent.append(path)
    return absent


def test_every_path_the_architecture_names_exists() -> None:
    paths = repo_paths(ARCHITECTURE.read_text())

    assert len(paths) > 40  # the walk through the code names its files
    assert missing(paths, ROOT) == []


def test_every_path_the_other_docs_and_the_readme_name_exists() -> None:
    documents = [*sorted((ROOT / "docs").glob("*.md")), ROOT / "README.md"]

    assert {str(d.relative_to(ROOT)): missing(repo_paths(d.read_text()), ROOT) for d in documents} == {
        str(d.relative_to(ROOT)): [] for d in documents
    }


def test_a_path_that_does_not_exist_is_caught(tmp_path: Path) -> None:
    (tmp_path / "shared").mkdir()
    (tmp_path / "shared" / "ledger.py").write_text("def claim(): ...\n")
    text = "`shared/ledger.py`, `shared/ledger.claim`, `shared/gone.py`, `shared/ledger.release`, `services/<name>/`"

    assert missing(repo_paths(text), tmp_path) == ["shared/gone.py", "shared/ledger.release"]


def _repo_text_files() -> list[Path]:
    """The files git tracks or would track: a fresh clone's tree, not local virtualenvs or caches."""
    listed = subprocess.run(
        ["git", "ls-files", "--cached", "--others", "--exclude-standard"],
        cwd=ROOT,
        capture_output=True,
        text=True,
        check=True,
    ).stdout.splitlines()
    found = []
    for name in listed:
        path = ROOT / name
        if _SKIPPED_DIRS & set(path.relative_to(ROOT).parts) or not path.is_file():
            continue
        if path.suffix in _TEXT_SUFFIXES or path.name in {"Makefile", "Dockerfile"}:
            found.append(path)
    return found


def test_nothing_in_the_repo_points_to_documents_outside_it() -> None:
    this_file = Path(__file__).resolve()
    pointing = [
        str(path.relative_to(ROOT))
        for path in _repo_text_files()
        if path != this_file and _OUTSIDE.search(path.read_text(errors="ignore"))
    ]

    assert pointing == []


def test_a_pointer_outside_the_repo_is_caught() -> None:
    assert _OUTSIDE.search("the ledger (DESIGN.md §4)")
    assert _OUTSIDE.search("see ../shared/notes")
    assert _OUTSIDE.search("as LOCAL-AWS-NOTES measured")
    assert not _OUTSIDE.search("see docs/providers.md and README.md")
