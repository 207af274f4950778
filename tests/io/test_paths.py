"""gradviz's own files are found inside the package, as an installed wheel finds them."""

from __future__ import annotations

import json

from gradviz.io import paths


def test_the_schema_examples_and_icon_exist_under_the_package():
    assert paths.ASSETS.is_dir()
    assert paths.SCHEMA.is_file() and json.loads(paths.SCHEMA.read_text(encoding="utf-8"))["type"] == "object"
    assert paths.DEFAULT_EXAMPLE.is_file() and paths.DEFAULT_EXAMPLE.parent == paths.EXAMPLES
    assert paths.ICON.read_text(encoding="utf-8").lstrip().startswith(("<svg", "<?xml"))
    assert sorted(paths.EXAMPLES.glob("*.json")), "no example graphs"
