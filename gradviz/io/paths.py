"""Where gradviz's own files are: the published schema and the example graphs.

They ship inside the package as ``gradviz.assets`` (the repository's top-level ``assets/``, mapped in
pyproject.toml), so an installed wheel finds them exactly as a source checkout installed with
``pip install -e .`` does. pip never installs gradviz zipped, so the resources are real files.
"""

from importlib.resources import files
from pathlib import Path

ASSETS = Path(str(files("gradviz.assets")))
SCHEMA = ASSETS / "gradviz-graph.schema.json"
EXAMPLES = ASSETS / "examples"
DEFAULT_EXAMPLE = EXAMPLES / "linear_layer.json"
ICON = ASSETS / "icons" / "gradviz.svg"
