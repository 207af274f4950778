"""Python names for node ids: valid, distinct identifiers derived from the ids, never the ids themselves.

An id is any non-empty string a file holds, so it cannot be pasted into source: a newline in it would end
the line and start a statement, and Python folds identifiers by NFKC, so ``x`` and fullwidth ``ｘ``
would be one variable. The name is an ASCII slug of the id instead, made unique; an id that is already
a plain ASCII identifier the script does not use for itself is kept as it is, so scripts stay readable.
"""

from __future__ import annotations

import builtins
import keyword
import re
import unicodedata
from collections.abc import Iterable

from gradviz.engine.errors import NodeError
from gradviz.engine.registry import all_ops
from gradviz.engine.spelling import Spelling

# Every name a script binds or reads at module level (its imports, helpers, loop variables), for both
# targets so a node has the same name in the numpy and the torch script; and every builtin, so a
# node called ``print`` or ``range`` cannot shadow what the script calls. The helpers' functions are read
# from the op declarations that call them, so a new helper is reserved as it is declared.
HELPER_NAMES = frozenset(
    name
    for op in all_ops()
    if isinstance(op.spelling, Spelling)
    for helper in op.spelling.helpers
    for name in helper.names
)
TEMPLATE_NAMES = (
    frozenset({"np", "json", "sys", "torch", "F", "values", "bars", "show", "name", "value", "unbroadcast"})
    | HELPER_NAMES
)
RESERVED = TEMPLATE_NAMES | frozenset(dir(builtins))
BAR = "_bar"  # a node's bar is the variable ``<name>_bar``


def check_ids(node_ids: Iterable[str]) -> None:
    """NodeError for the first id holding a line break, control or format character.

    The script would be safe (names are slugs, ids are string literals), but it prints every value under
    its id, and an id that ends a line or moves the cursor prints as something it is not.
    """
    for node_id in node_ids:
        if not node_id.isprintable():
            raise NodeError(
                node_id,
                "an id with a line break, control or format character cannot be "
                "exported (the script prints values under their ids); rename the node",
                "id",
            )


def slug(node_id: str) -> str:
    """An ASCII identifier that reads like ``node_id``: compatibility forms and accents folded (ｘ → x,
    é → e), other characters dropped at the ends and each run of them one ``_`` inside (``W 2`` → W_2),
    ``v_`` before a leading digit, ``v`` before a dunder, and ``_`` after a keyword or a reserved name
    (``class_``, ``np_``), as PEP 8 suggests."""
    folded = "".join(c for c in unicodedata.normalize("NFKD", node_id) if not unicodedata.combining(c))
    name = re.sub(r"[^0-9A-Za-z_]+", "_", re.sub(r"^[^0-9A-Za-z_]+|[^0-9A-Za-z_]+$", "", folded))
    if not name:  # nothing was left ("+", a lone accent)
        name = "node"
    elif name[0].isdigit():
        name = "v_" + name
    elif name.startswith("__") and name.endswith("__"):  # __builtins__, __name__: the module's own
        name = "v" + name
    if keyword.iskeyword(name) or name in RESERVED:
        name += "_"
    return name


def python_names(node_ids: Iterable[str]) -> dict[str, str]:
    """A distinct identifier for every id, deterministic in the ids' order.

    Plain ids (their slug is themselves) are named first, so they keep their own name whatever comes
    before them; ``x_bar`` is not plain when ``x`` is a node, since ``x_bar`` is ``x``'s bar. Every other
    id gets its slug with the first suffix ``_2``, ``_3``, … that is free both for the name and its bar.
    """
    ids = list(node_ids)
    plain = {node_id for node_id in ids if slug(node_id) == node_id}
    plain -= {node_id for node_id in plain if node_id.endswith(BAR) and node_id[: -len(BAR)] in plain}
    names: dict[str, str] = {}
    taken: set[str] = set()
    for node_id in (*[i for i in ids if i in plain], *[i for i in ids if i not in plain]):
        base = slug(node_id)
        name, counter = base, 2
        while name in taken or name + BAR in taken:
            name, counter = f"{base}_{counter}", counter + 1
        names[node_id] = name
        taken.update({name, name + BAR})
    return {node_id: names[node_id] for node_id in ids}
