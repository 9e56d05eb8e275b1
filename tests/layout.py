"""Reading a Dash layout in a test without a browser: every component under it."""
from __future__ import annotations


def walk(node):
    """Every component under a Dash layout, depth first."""
    if isinstance(node, (list, tuple)):
        for child in node:
            yield from walk(child)
        return
    if node is None or isinstance(node, (str, int, float)):
        return
    yield node
    yield from walk(getattr(node, "children", None))
