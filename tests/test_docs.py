"""The README's pictures exist, and docs/screenshots.py knows how to retake every one of them.

The script is read with ast, not imported: this test needs no Qt and no display.
"""

from __future__ import annotations

import ast
import re
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
README = ROOT / "README.md"
SCRIPT = ROOT / "docs" / "screenshots.py"
IMAGE_LINK = re.compile(r"!\[[^\]]*\]\(([^)\s]+)\)")


def readme_images() -> list[str]:
    return IMAGE_LINK.findall(README.read_text(encoding="utf-8"))


def recipes_in_script() -> set[str]:
    """The names given to @recipe(...) in the script, and the GIF it makes with the command line."""
    tree = ast.parse(SCRIPT.read_text(encoding="utf-8"))
    names: set[str] = set()
    for node in ast.walk(tree):
        if isinstance(node, ast.FunctionDef):
            for decorator in node.decorator_list:
                if (
                    isinstance(decorator, ast.Call)
                    and getattr(decorator.func, "id", "") == "recipe"
                    and decorator.args
                    and isinstance(decorator.args[0], ast.Constant)
                ):
                    names.add(f"{decorator.args[0].value}.png")
        if isinstance(node, ast.Assign) and [getattr(t, "id", "") for t in node.targets] == ["GIF"]:
            names.add(node.value.value)
    return names


def test_the_readme_shows_pictures_from_docs():
    images = readme_images()
    assert len(images) >= 10  # the pattern still finds the README's pictures
    assert all(image.startswith("docs/") for image in images), images


def test_every_picture_the_readme_shows_exists():
    missing = [image for image in readme_images() if not (ROOT / image).is_file()]
    assert missing == []


def test_every_picture_the_readme_shows_has_a_recipe():
    recipes = recipes_in_script()
    without = [image for image in readme_images() if Path(image).name not in recipes]
    assert without == [], f"add a recipe to docs/screenshots.py for {without}"


def test_the_recipe_reader_sees_the_decorators():
    # an independent check on the ast reading: the script's text names these recipes literally
    text = SCRIPT.read_text(encoding="utf-8")
    for name in ("default-example", "step-backward", "kernel-flip-tiny-cnn"):
        assert f'@recipe("{name}"' in text
        assert f"{name}.png" in recipes_in_script()
