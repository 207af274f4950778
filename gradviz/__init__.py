"""gradviz: see reverse-mode differentiation happen, one step at a time."""

__version__ = "0.1.0"
