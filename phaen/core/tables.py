"""Declarative tables: one column list drives the list page, its sorting and its exports."""

from __future__ import annotations

import datetime as dt
from collections.abc import Callable, Iterator
from dataclasses import dataclass
from decimal import Decimal
from typing import Any, ClassVar

from django.db import models
from django.http import HttpRequest
from django.utils.functional import Promise
from django.utils.html import format_html
from django.utils.safestring import SafeString
from django.utils.translation import gettext as _

from phaen.thai.dates import format_date_short, format_datetime
from phaen.thai.money import format_baht


@dataclass(frozen=True)
class Column:
    """A column: ``accessor`` is an attribute path (``parent.name``) or a callable of the row.

    ``order_by`` is the ORM ordering that sorting by this column uses (None: not sortable).
    ``link`` makes the cell a link to the row's page.
    """

    name: str
    label: str | Promise
    accessor: str | Callable[[Any], Any] | None = None
    order_by: str | None = None
    link: bool = False
    numeric: bool = False

    def value(self, row: Any) -> Any:
        accessor = self.accessor or self.name
        if callable(accessor):
            return accessor(row)
        value: Any = row
        for part in accessor.split("."):
            value = getattr(value, part, None)
            if value is None:
                return None
            if callable(value) and not isinstance(value, models.Model):
                value = value()
        return value


def display(value: Any) -> str:
    """A cell value as text, the way Thai readers expect it."""
    if value is None or value == "":
        return "–"
    if isinstance(value, bool):
        return _("ใช่") if value else _("ไม่ใช่")
    if isinstance(value, dt.datetime):
        return format_datetime(value)
    if isinstance(value, dt.date):
        return format_date_short(value)
    if isinstance(value, Decimal):
        return format_baht(value)
    return str(value)


def export_value(value: Any) -> Any:
    """A cell value for a spreadsheet: numbers stay numbers, dates become BE text."""
    if value is None:
        return ""
    if isinstance(value, bool):
        return _("ใช่") if value else _("ไม่ใช่")
    if isinstance(value, Decimal | int):
        return value
    if isinstance(value, dt.datetime | dt.date):
        return display(value)
    if isinstance(value, models.Model):
        return str(value)
    return str(value)


@dataclass(frozen=True)
class SortLink:
    column: Column
    url_param: str
    direction: str  # "asc", "desc" or ""


class Table:
    """Subclasses declare ``columns`` and ``default_order``."""

    columns: ClassVar[list[Column]]
    default_order: ClassVar[tuple[str, ...]] = ("pk",)

    def __init__(self, queryset: models.QuerySet[Any], request: HttpRequest) -> None:
        self.request = request
        self.sort = request.GET.get("sort", "")
        sort_column = self.column(self.sort.removeprefix("-"))
        if sort_column is not None and sort_column.order_by:
            descending = self.sort.startswith("-")
            order = sort_column.order_by
            ordering = [f"-{order}" if descending else order, "pk"]
            self.queryset = queryset.order_by(*ordering)
        else:
            self.sort = ""
            self.queryset = queryset.order_by(*self.default_order)

    @classmethod
    def column(cls, name: str) -> Column | None:
        return next((c for c in cls.columns if c.name == name), None)

    def headers(self) -> list[SortLink]:
        links = []
        for column in self.columns:
            if column.order_by is None:
                links.append(SortLink(column, "", ""))
                continue
            if self.sort == column.name:
                links.append(SortLink(column, f"-{column.name}", "asc"))
            elif self.sort == f"-{column.name}":
                links.append(SortLink(column, column.name, "desc"))
            else:
                links.append(SortLink(column, column.name, ""))
        return links

    def cell(self, column: Column, row: Any) -> SafeString:
        text = display(column.value(row))
        if column.link and hasattr(row, "get_absolute_url"):
            return format_html('<a href="{}">{}</a>', row.get_absolute_url(), text)
        return format_html("{}", text)

    def rows(self, page: Any) -> list[tuple[Any, list[tuple[Column, SafeString]]]]:
        return [(row, [(c, self.cell(c, row)) for c in self.columns]) for row in page]

    def export_rows(self) -> Iterator[list[Any]]:
        for row in self.queryset.iterator(chunk_size=2000):
            yield [export_value(c.value(row)) for c in self.columns]

    def export_headers(self) -> list[str]:
        return [str(c.label) for c in self.columns]
