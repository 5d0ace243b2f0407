"""The import contract: arrows point inward, from the areas that build on others to those they build on.

An area may import its own modules and those of a lower layer, never one of its own layer or
above, at the top of a module or deferred inside a function alike. What lower areas need from
higher ones (the council's duplicate check, an article's related articles) is installed into a
slot the lower area owns (`provide_similarity`, `provide_related`) by the higher one.
"""
import ast
from pathlib import Path

import pytest

from portal import ROOT

# The import contract reads source files, not the database: once, in the SQLite pass (CI time).
pytestmark = pytest.mark.sqlite_only

LAYERS = [
    {"extensions", "config"},
    {"core"},
    {"years"},
    {"auth"},
    {"initiatives"},
    {"council", "publishing"},
    {"search", "emulation", "statistics"},
    {"admin", "api", "defaults"},
    {"home"},  # the signed-in home page: composes the reads of every area
    {"demo", "cli", "models", "supervisor", "__init__"},  # the assembly: the app factory, commands, demo; imports any
]
ASSEMBLY = len(LAYERS) - 1
RANK = {area: rank for rank, areas in enumerate(LAYERS) for area in areas}
# Known upward arrows, each to remove (not to add to). None left: the worker's tasks are
# registered by the areas they serve (portal.core.jobs.register).
KNOWN = set()


def area_of(path):
    """`portal/council/pages/x.py` → council; `portal/cli.py` → cli."""
    parts = path.relative_to(ROOT / "portal").parts
    return parts[0].removesuffix(".py")


def imported_areas(source):
    """(line, area) of every import of a portal module in `source`, deferred ones included."""
    for node in ast.walk(ast.parse(source)):
        if isinstance(node, ast.ImportFrom) and node.module and node.module.split(".")[0] == "portal":
            names = node.module.split(".")
            if len(names) > 1:
                yield node.lineno, names[1]
            else:  # from portal import x
                for alias in node.names:
                    yield node.lineno, alias.name
        elif isinstance(node, ast.Import):
            for alias in node.names:
                names = alias.name.split(".")
                if names[0] == "portal" and len(names) > 1:
                    yield node.lineno, names[1]


def violations(area, source, where="<source>"):
    found = []
    for line, other in imported_areas(source):
        if other == area or other not in RANK or RANK[area] == ASSEMBLY:
            continue
        if RANK[other] >= RANK[area] and (where, other) not in KNOWN:
            found.append(f"{where}:{line}: {area} imports {other}")
    return found


def test_every_area_has_a_layer():
    areas = {area_of(path) for path in (ROOT / "portal").glob("*") if path.suffix == ".py" or
             (path.is_dir() and (path / "__init__.py").exists())}
    assert areas - set(RANK) == set()


def test_no_area_imports_one_of_its_layer_or_above():
    found = []
    for path in sorted((ROOT / "portal").rglob("*.py")):
        found += violations(area_of(path), path.read_text(encoding="utf-8"), str(path.relative_to(ROOT)))
    assert found == []


def test_the_contract_catches_a_planted_upward_import():
    planted = "from portal.council.services import rubric_for\n\ndef f():\n    import portal.search.service\n"
    assert violations("initiatives", planted) == [
        "<source>:1: initiatives imports council", "<source>:4: initiatives imports search"]
    assert violations("council", "from portal.publishing import queries\n") == [
        "<source>:1: council imports publishing"]  # the same layer: neither builds on the other
    assert violations("search", "from portal.publishing.models import Publication\n") == []


def test_the_demo_is_outside_the_areas():
    assert not list(Path(ROOT / "portal").glob("*/demo.py"))
    assert (ROOT / "portal/demo/seed.py").exists()
