"""Where gradviz's own files are: the published schema and the example graphs under ``assets/``."""

from pathlib import Path

ASSETS = Path(__file__).resolve().parents[2] / "assets"
SCHEMA = ASSETS / "gradviz-graph.schema.json"
EXAMPLES = ASSETS / "examples"
DEFAULT_EXAMPLE = EXAMPLES / "linear_layer.json"
