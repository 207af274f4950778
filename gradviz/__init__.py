"""gradviz: see reverse-mode differentiation happen, one step at a time.

The scripting face is loaded on first use, so ``import gradviz`` stays cheap (no numpy, no Qt):
``gradviz.trace(fn, params=[...], **arrays)`` and ``from gradviz import gnp`` turn a Python function
into a graph, ``gradviz.from_torch(module, example_input)`` a PyTorch model, and ``gradviz.Graph.read``
a graph file.
"""

from typing import Any

__version__ = "0.1.0"

# name → (module, attribute or None for the module itself)
_LAZY = {
    "trace": ("gradviz.tracing", "trace"),
    "TraceError": ("gradviz.tracing", "TraceError"),
    "gnp": ("gradviz.gnp", None),
    "Graph": ("gradviz.api", "Graph"),
    "from_torch": ("gradviz.torch_import", "from_torch"),
}


def __getattr__(name: str) -> Any:
    if name not in _LAZY:
        raise AttributeError(f"module 'gradviz' has no attribute {name!r}")
    import importlib  # noqa: PLC0415

    module_name, attribute = _LAZY[name]
    module = importlib.import_module(module_name)
    return module if attribute is None else getattr(module, attribute)


def __dir__() -> list[str]:
    return sorted([*globals(), *_LAZY])
