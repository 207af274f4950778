"""The colour tables, exactly matplotlib's, stored here so the window draws its first heatmaps without
importing matplotlib (0.3 s at start; tests/gui/test_startup.py keeps it out).

Each table is 256 RGB colours, written as hex bytes, 16 colours a line. They are, rounded to bytes:
- SEQUENTIAL: ``matplotlib.colormaps["viridis"](np.linspace(0, 1, 256))``: perceptually even, readable
  in greyscale and by most colour-blind eyes;
- DIVERGING: ``matplotlib.colormaps["RdBu_r"](np.linspace(0.1, 0.9, 256))``: ColorBrewer's blue – white
  – red without its two darkest ends, so a number written on any cell stays readable.
tests/gui/test_colormap_tables.py recomputes both from matplotlib and compares them byte for byte.
"""

from __future__ import annotations

import numpy as np


def _table(hex_bytes: str) -> np.ndarray:
    """256 × 3 bytes, read-only (numpy views of bytes are)."""
    return np.frombuffer(bytes.fromhex(hex_bytes), dtype=np.uint8).reshape(256, 3)


SEQUENTIAL = _table(
    "44015444025645045745055946075a46085c460a5d460b5e470d60470e61471063471164471365481467481668481769"
    "48186a481a6c481b6d481c6e481d6f481f70482071482173482374482475482576482677482878482979472a7a472c7a"
    "472d7b472e7c472f7d46307e46327e46337f463480453581453781453882443983443a83443b84433d84433e85423f85"
    "4240864241864142874144874045884046883f47883f48893e49893e4a893e4c8a3d4d8a3d4e8a3c4f8a3c508b3b518b"
    "3b528b3a538b3a548c39558c39568c38588c38598c375a8c375b8d365c8d365d8d355e8d355f8d34608d34618d33628d"
    "33638d32648e32658e31668e31678e31688e30698e306a8e2f6b8e2f6c8e2e6d8e2e6e8e2e6f8e2d708e2d718e2c718e"
    "2c728e2c738e2b748e2b758e2a768e2a778e2a788e29798e297a8e297b8e287c8e287d8e277e8e277f8e27808e26818e"
    "26828e26828e25838e25848e25858e24868e24878e23888e23898e238a8d228b8d228c8d228d8d218e8d218f8d21908d"
    "21918c20928c20928c20938c1f948c1f958b1f968b1f978b1f988b1f998a1f9a8a1e9b8a1e9c891e9d891f9e891f9f88"
    "1fa0881fa1881fa1871fa28720a38620a48621a58521a68522a78522a88423a98324aa8325ab8225ac8226ad8127ad81"
    "28ae8029af7f2ab07f2cb17e2db27d2eb37c2fb47c31b57b32b67a34b67935b77937b87838b9773aba763bbb753dbc74"
    "3fbc7340bd7242be7144bf7046c06f48c16e4ac16d4cc26c4ec36b50c46a52c56954c56856c66758c7655ac8645cc863"
    "5ec96260ca6063cb5f65cb5e67cc5c69cd5b6ccd5a6ece5870cf5773d05675d05477d1537ad1517cd2507fd34e81d34d"
    "84d44b86d54989d5488bd6468ed64590d74393d74195d84098d83e9bd93c9dd93ba0da39a2da37a5db36a8db34aadc32"
    "addc30b0dd2fb2dd2db5de2bb8de29bade28bddf26c0df25c2df23c5e021c8e020cae11fcde11dd0e11cd2e21bd5e21a"
    "d8e219dae319dde318dfe318e2e418e5e419e7e419eae51aece51befe51cf1e51df4e61ef6e620f8e621fbe723fde725"
)

DIVERGING = _table(
    "2065ab2267ac2369ad246aae246aae266caf276eb02870b12a71b22a71b22b73b32c75b42e77b52f79b52f79b5307ab6"
    "327cb7337eb83480b93480b93681ba3783bb3885bc3a87bd3a87bd3b88be3c8abe3e8cbf3f8ec03f8ec0408fc14291c2"
    "4393c34695c44695c44997c54c99c64f9bc7529dc8529dc8569fc959a1ca5ca3cb5fa5cd5fa5cd62a7ce65a9cf68abd0"
    "6bacd16bacd16eaed271b0d375b2d478b4d578b4d57bb6d67eb8d781bad884bcd984bcd987beda8ac0db8dc2dc90c4dd"
    "93c6de93c6de96c7df98c8e09bc9e09dcbe19dcbe1a0cce2a2cde3a5cee3a7d0e4a7d0e4a9d1e5acd2e5aed3e6b1d5e7"
    "b1d5e7b3d6e8b6d7e8b8d8e9bbdaeabbdaeabddbeac0dcebc2ddecc5dfecc5dfecc7e0edcae1eecce2efcfe4efcfe4ef"
    "d1e5f0d2e6f0d4e6f1d5e7f1d5e7f1d7e8f1d8e9f1dae9f2dbeaf2dbeaf2ddebf2deebf2e0ecf3e1edf3e1edf3e3edf3"
    "e4eef4e6eff4e7f0f4e7f0f4e9f0f4eaf1f5ecf2f5edf2f5edf2f5eff3f5f0f4f6f2f5f6f3f5f6f3f5f6f5f6f7f6f7f7"
    "f7f6f6f7f5f4f8f4f2f8f4f2f8f3f0f8f2eff8f1edf9f0ebf9f0ebf9efe9f9eee7f9ede5f9ebe3f9ebe3faeae1fae9df"
    "fae8defae7dcfae7dcfbe6dafbe5d8fbe4d6fbe3d4fbe3d4fce2d2fce0d0fcdfcffcdecdfcdecdfdddcbfddcc9fddbc7"
    "fdd9c4fdd9c4fcd7c2fcd5bffcd3bcfbd0b9fbd0b9fbceb7fbccb4facab1fac8affac8aff9c6acf9c4a9f9c2a7f8bfa4"
    "f8bfa4f8bda1f8bb9ef7b99cf7b799f7b799f7b596f6b394f6b191f6af8ef6af8ef5ac8bf5aa89f5a886f4a683f4a683"
    "f3a481f2a17ff19e7df09c7bef9979ef9979ee9677ec9374eb9172ea8e70ea8e70e98b6ee8896ce6866ae58368e58368"
    "e48066e37e64e27b62e17860e17860df765ede735cdd7059dc6e57dc6e57db6b55da6853d86551d7634fd7634fd6604d"
    "d55d4cd35a4ad25849d25849d05548cf5246ce4f45cc4c44cc4c44cb4942c94741c84440c6413ec6413ec53e3dc43b3c"
    "c2383ac13639c13639bf3338be3036bd2d35bb2a34bb2a34ba2832b82531b72230b61f2eb61f2eb41c2db3192cb1182b"
)
