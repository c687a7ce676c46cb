"""The layering the code relies on, checked statically: the runtime (`shared/`) imports neither the tools nor the
services, no service imports another (they talk through events only), and no runtime module outgrows one
reading (about 250 lines)."""

from __future__ import annotations

import ast
from pathlib import Path

ROOT = Path(__file__).resolve().parents[2]


def imported_modules(source: str, module: str) -> set[str]:
    """Absolute names of every module `source` imports (relative imports resolved against `module`)."""
    found: set[str] = set()
    package = module.split(".")[:-1]
    for node in ast.walk(ast.parse(source)):
        if isinstance(node, ast.Import):
            found.update(alias.name for alias in node.names)
        elif isinstance(node, ast.ImportFrom):
            base = package[: len(package) - node.level + 1] if node.level else []
            name = ".".join([*base, *([node.module] if node.module else [])])
            found.add(name)
            found.update(f"{name}.{alias.name}" for alias in node.names)
    return found


def violations(source: str, module: str) -> list[str]:
    """The imports `module` may not make: `shared` → tools/services, one service → another service."""
    top, *rest = module.split(".")
    bad: list[str] = []
    for name in sorted(imported_modules(source, module)):
        head = name.split(".")
        if (top == "shared" and head[0] in {"tools", "services"}) or (
            top == "services" and head[0] == "services" and len(head) > 1 and rest and head[1] != rest[0]
        ):
            bad.append(name)
    return bad


def _modules(package: str) -> list[tuple[str, Path]]:
    paths = sorted((ROOT / package).rglob("*.py"))
    return [(".".join(path.relative_to(ROOT).with_suffix("").parts), path) for path in paths]


def test_the_checker_catches_each_forbidden_import() -> None:
    assert violations("from tools.ops.retention import x", "shared.delivery") == [
        "tools.ops.retention",
        "tools.ops.retention.x",
    ]
    assert violations("import services.gateway.app", "shared.worker") == ["services.gateway.app"]
    assert violations("from services import script", "services.gateway.app") == ["services.script"]
    assert violations("from services.script import handler", "services.gateway.app") == [
        "services.script",
        "services.script.handler",
    ]
    assert violations("from ...tools.local import demo", "shared.sub.mod") == ["tools.local", "tools.local.demo"]
    assert violations("from ..script.handler import h", "services.clips.handler") == [
        "services.script.handler",
        "services.script.handler.h",
    ]


def test_the_checker_allows_the_permitted_imports() -> None:
    assert violations("from shared.storage import Storage\nimport structlog", "shared.asset_tags") == []
    assert violations("from services.gateway.auth import keys\nfrom .app import x", "services.gateway.cli") == []
    assert violations("from shared.ledger import Ledger", "services.clips.handler") == []
    assert violations("from tools.local.emulator import free_port", "tools.local.stack") == []


def test_the_runtime_imports_neither_tools_nor_services() -> None:
    modules = _modules("shared")
    assert len(modules) > 10, "the walk found the runtime's modules"
    found = {module: bad for module, path in modules if (bad := violations(path.read_text(), module))}
    assert found == {}


def test_no_service_imports_another() -> None:
    modules = _modules("services")
    assert len(modules) > 10, "the walk found the services' modules"
    found = {module: bad for module, path in modules if (bad := violations(path.read_text(), module))}
    assert found == {}


RUNTIME_MODULE_MAX_LINES = 270  # "about 250": the topology, one declaration, is the longest at ~260


def oversized(modules: list[tuple[str, Path]], max_lines: int) -> dict[str, int]:
    return {module: n for module, path in modules if (n := len(path.read_text().splitlines())) > max_lines}


def test_the_size_check_names_a_module_past_the_bound(tmp_path: Path) -> None:
    long, short = tmp_path / "long.py", tmp_path / "short.py"
    long.write_text("x = 1\n" * 11)
    short.write_text("x = 1\n" * 10)
    assert oversized([("long", long), ("short", short)], 10) == {"long": 11}


def test_no_runtime_module_outgrows_one_reading() -> None:
    modules = _modules("shared")
    assert len(modules) > 10, "the walk found the runtime's modules"
    assert oversized(modules, RUNTIME_MODULE_MAX_LINES) == {}
