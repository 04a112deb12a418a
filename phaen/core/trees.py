"""Materialised paths for trees of any depth (org units, framework nodes).

A path is the chain of zero-padded ids from the root, e.g. ``/0000000001/0000000004/``. The
subtree of a node is one indexed prefix filter (``path LIKE '/…/0000000004/%'``), and sorting by
path lists the tree in order: parents before children, siblings in the order they were created.
"""

from __future__ import annotations

from typing import Any

from django.db import models
from django.db.backends.base.base import BaseDatabaseWrapper

PATH_SEGMENT_WIDTH = 10


def child_path(parent_path: str | None, pk: int) -> str:
    """The path of node ``pk`` under a parent with ``parent_path`` (None: a root)."""
    return f"{parent_path or '/'}{pk:0{PATH_SEGMENT_WIDTH}d}/"


def path_ids(path: str) -> list[int]:
    """The ids along a path, root first."""
    return [int(part) for part in path.strip("/").split("/") if part]


class PathField(models.CharField):
    """A materialised path column.

    On PostgreSQL the column uses the byte-wise "C" collation, so one ordinary B-tree index
    serves both the prefix filter (``LIKE '/…/%'`` as a range) and ``ORDER BY path``; declare
    that index in ``Meta.indexes`` (a field-level ``db_index`` would add a redundant
    ``varchar_pattern_ops`` index). Other databases compare these ASCII paths byte-wise anyway.
    """

    def __init__(self, *args: Any, **kwargs: Any) -> None:
        kwargs.setdefault("max_length", 255)
        super().__init__(*args, **kwargs)

    def db_parameters(self, connection: BaseDatabaseWrapper) -> dict[str, Any]:
        params = super().db_parameters(connection)
        if connection.vendor == "postgresql":
            params["collation"] = "C"
        return params
