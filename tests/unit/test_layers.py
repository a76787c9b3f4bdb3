"""The arrows of shared/ARCHITECTURE.md: imports go down the layers, never up."""

import ast
from pathlib import Path

import pytest

CRM = Path(__file__).resolve().parents[2] / "crm"
HTTP_MODULES = ("views", "forms", "api", "schemas")  # an area's HTTP layer


def _module_name(path: Path) -> str:
    return ".".join(path.relative_to(CRM.parent).with_suffix("").parts).removesuffix(".__init__")


def _imports(path: Path) -> set[str]:
    found = set()
    for node in ast.walk(ast.parse(path.read_text(encoding="utf-8"))):
        if isinstance(node, ast.ImportFrom) and node.module:
            found.add(node.module)
            found.update(f"{node.module}.{alias.name}" for alias in node.names)
        elif isinstance(node, ast.Import):
            found.update(alias.name for alias in node.names)
    return {name for name in found if name.startswith("crm.")}


def _is_http(name: str) -> bool:
    return name.split(".")[-1] in HTTP_MODULES or name.startswith("crm.api.")


DOMAIN_MODULES = sorted(
    path for path in CRM.rglob("*.py")
    if "migrations" not in path.parts and not _is_http(_module_name(path))
    and _module_name(path) not in ("crm", "crm.cli", "crm.demo", "crm.errors")
)


@pytest.mark.parametrize("path", DOMAIN_MODULES, ids=lambda path: _module_name(path))
def test_a_domain_module_imports_no_view_form_or_api(path):
    assert not {name for name in _imports(path) if _is_http(name)}


def test_the_audit_recorder_sits_below_every_area():
    assert _imports(CRM / "audit" / "__init__.py") <= {"crm.extensions", "crm.extensions.db", "crm.models",
                                                       "crm.models.AuditEvent"}


def test_the_edge_imports_no_area():
    assert _imports(CRM / "errors.py") <= {"crm.extensions", "crm.extensions.db"}
