"""The op declarations. Importing this package registers every op, one module per category."""

from gradviz.engine.ops import (  # noqa: F401 - imported for their registrations
    arithmetic,
    conv,
    elementwise,
    linalg,
    losses,
    reductions,
    shaping,
    sources,
)
