"""Imports run one way (docs/architecture.md): a package may import only packages of its own layer
or below, also inside functions (where an import would otherwise hide). The upward imports that
exist are listed by name below, to be taken out by the redesign of issue 28: a new one fails this
test, and so does a listed one that is gone (take it off the list)."""
import ast
from pathlib import Path

SRC = Path(__file__).resolve().parent.parent / "src" / "casefile"

LAYERS = {
    "model": 0, "errors": 0, "lexicon": 0, "processes": 0, "display": 0, "citation": 0, "executor": 0,
    "store": 1, "ingest": 2, "analyze": 3, "search": 4, "verify": 5, "timeline": 5,
    "case": 6, "cli": 7, "sample": 7, "__init__": 8,
}
"""The layers, bottom up: the records and kinds of documents (model) and shared helpers, the store, ingest, analysis, search, judgement (verify
and timeline side by side), the library API, the command line."""

KNOWN_UPWARD = {
    ("casefile.ingest.registry", "casefile.analyze.features"),
    ("casefile.ingest.registry", "casefile.analyze.language"),
    ("casefile.ingest.registry", "casefile.search.passages"),
    ("casefile.ingest.runner", "casefile.analyze.language"),
    ("casefile.store.sqlite", "casefile.analyze.features"),
}
"""The worker stages (languages, sketches, passages) run inside the ingest, and the store uses
the ingest's records: both are to be passed in from `case` instead (issue 28)."""


def _package(module: str) -> str:
    parts = module.split(".")
    return parts[1] if len(parts) > 1 else "__init__"


def _imports(path: Path, module: str) -> set[str]:
    """Every casefile module `path` imports, at module level or inside functions."""
    out = set()
    for node in ast.walk(ast.parse(path.read_text())):
        if isinstance(node, ast.Import):
            out |= {a.name for a in node.names if a.name.startswith("casefile")}
        elif isinstance(node, ast.ImportFrom):
            if node.level:
                base = module.split(".")[: len(module.split(".")) - node.level + (path.name == "__init__.py")]
                full = ".".join(base + ([node.module] if node.module else []))
            else:
                full = node.module or ""
            if full == "casefile":
                out |= {f"casefile.{a.name}" for a in node.names}
            elif full.startswith("casefile."):
                out.add(full)
    return out


def upward_imports() -> set[tuple[str, str]]:
    found = set()
    for path in SRC.rglob("*.py"):
        parts = path.relative_to(SRC.parent).with_suffix("").parts
        module = ".".join(parts[:-1] if parts[-1] == "__init__" else parts)
        me = _package(module)
        for target in _imports(path, module):
            other = _package(target)
            if me in LAYERS and other in LAYERS and other != me and LAYERS[other] > LAYERS[me]:
                found.add((module, target))
    return found


def test_imports_run_one_way():
    found = upward_imports()
    new = found - KNOWN_UPWARD
    assert not new, f"imports up the layers (docs/architecture.md): {sorted(new)}"
    gone = KNOWN_UPWARD - found
    assert not gone, f"no longer imported, take them off KNOWN_UPWARD: {sorted(gone)}"


def test_every_package_has_a_layer():
    packages = {p.name for p in SRC.iterdir() if p.is_dir() and (p / "__init__.py").exists()}
    packages |= {p.stem for p in SRC.glob("*.py")}
    assert packages <= set(LAYERS), sorted(packages - set(LAYERS))


def test_the_check_sees_an_import_hidden_in_a_function(tmp_path):
    hidden = tmp_path / "hidden.py"
    hidden.write_text("def f():\n    from ..timeline import brief\n    return brief\n")
    assert "casefile.timeline" in _imports(hidden, "casefile.store.hidden")
