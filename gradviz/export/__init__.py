"""Standalone scripts that rebuild a graph with plain numpy or with PyTorch and print the same numbers.

A student who doubts gradviz runs the script and compares: the numpy script writes every bar rule out
as its own numpy statement (an independent re-derivation, not a copy of the engine's code); the torch
script leaves the bars to PyTorch's autograd.
"""

from gradviz.export.numpy_script import numpy_script
from gradviz.export.torch_script import torch_script

__all__ = ["numpy_script", "torch_script"]
