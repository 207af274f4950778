"""Tests mirror the package: every module has a test module at the mirrored path.

``gradviz/engine/ops/conv.py`` is tested in ``tests/engine/ops/test_conv.py``, ``gradviz/model/story.py``
in ``tests/model/test_story.py``, ``gradviz/gui/panels/formula.py`` in ``tests/gui/panels/test_formula.py``
and ``gradviz/cli.py`` in ``tests/test_cli.py``, so whoever changes a module knows where its tests live and a
module nobody tests is seen at once (issue 13, "Habits"). Thematic files that test across modules (the op
sweep with finite differences, the hostile-input exporters, the CLI fuzz; in the GUI the random-action soak,
the scripted session, text safety, run errors, file reliability, stepping) stay beside them.

Every package is covered: the top-level modules, ``engine`` (with ``engine/ops``), ``model``, ``io``,
``export`` and ``gui`` (with ``gui/canvas`` and ``gui/panels``). The GUI's test folders share
``tests/gui/conftest.py``'s fixtures (a window with its own settings and state folder) by being below it.
Package ``__init__`` modules are only re-exports and are not required to have a test module.
"""

from __future__ import annotations

from pathlib import Path

ROOT = Path(__file__).resolve().parents[1]
PACKAGE = ROOT / "gradviz"
TESTS = ROOT / "tests"

# The packages (relative to gradviz/) whose modules must each have a mirrored test module;
# "" is the top level. Subpackages of these (such as engine/ops, gui/canvas) are included.
PACKAGES = ("", "engine", "model", "io", "export", "gui")


def package_modules() -> list[Path]:
    """Every module's path relative to gradviz/, ``__init__.py`` left out."""
    found: list[Path] = []
    for package in PACKAGES:
        folder = PACKAGE / package
        pattern = "*.py" if package == "" else "**/*.py"
        found.extend(path.relative_to(PACKAGE) for path in folder.glob(pattern) if path.name != "__init__.py")
    return sorted(found)


def mirrored_test(module: Path) -> Path:
    """gradviz/engine/ops/conv.py → tests/engine/ops/test_conv.py (and _common.py → test__common.py)."""
    return TESTS / module.parent / f"test_{module.name}"


def test_modules_are_found() -> None:
    modules = {str(path) for path in package_modules()}
    assert {"cli.py", "engine/program.py", "engine/ops/conv.py", "model/story.py", "io/paths.py"} <= modules
    assert {"gui/playback.py", "gui/canvas/scene.py", "gui/panels/formula.py"} <= modules
    assert "engine/__init__.py" not in modules and "gui/panels/__init__.py" not in modules


def test_mirrored_path_keeps_the_folders() -> None:
    assert mirrored_test(Path("engine/ops/conv.py")) == TESTS / "engine/ops/test_conv.py"
    assert mirrored_test(Path("model/story.py")) == TESTS / "model/test_story.py"
    assert mirrored_test(Path("cli.py")) == TESTS / "test_cli.py"
    assert mirrored_test(Path("gui/canvas/scene.py")) == TESTS / "gui/canvas/test_scene.py"
    assert mirrored_test(Path("gui/panels/formula.py")) == TESTS / "gui/panels/test_formula.py"
    assert mirrored_test(Path("gui/playback.py")) == TESTS / "gui/test_playback.py"


def test_every_module_has_its_test_module() -> None:
    missing = [
        f"gradviz/{module} has no {mirrored_test(module).relative_to(ROOT)}"
        for module in package_modules()
        if not mirrored_test(module).is_file()
    ]
    assert not missing, "\n".join(missing)


def test_test_folders_are_packages() -> None:
    """Each mirrored test folder needs __init__.py, or two test_x.py in different folders would clash."""
    folders = {mirrored_test(module).parent for module in package_modules()}
    lacking = sorted(str(folder.relative_to(ROOT)) for folder in folders if not (folder / "__init__.py").is_file())
    assert not lacking, lacking
