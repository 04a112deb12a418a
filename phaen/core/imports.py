"""Spreadsheet imports: read an uploaded CSV or Excel file, check every row, apply all or nothing.

An app's importer reads the rows with ``read_rows`` (CSV text from ``csv_lines``, Excel from
``xlsx_lines``), collects every problem as a ``RowError`` in an ``ImportPlan`` and writes nothing
while the plan has errors. The web flow (``phaen.core.views.imports.import_flow``) shows the
errors or a summary, and carries the checked file in a signed payload (``sign_upload``) so that
the confirmation checks the same bytes again before applying them.
"""

from __future__ import annotations

import base64
import csv
import datetime as dt
import io
import zipfile
from collections.abc import Iterable, Iterator, Mapping, Sequence
from dataclasses import dataclass, field
from decimal import Decimal
from typing import Any, Protocol

from django import forms
from django.core import signing
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy
from openpyxl import load_workbook
from openpyxl.utils.exceptions import InvalidFileException

#: Uploads larger than this are refused before they are read.
MAX_UPLOAD_BYTES = 5 * 1024 * 1024

Line = tuple[int, list[str]]  # the row number a user sees in Excel, and the row's cells


@dataclass(frozen=True)
class RowError:
    """One problem of one row: ``line`` as Excel numbers rows, ``column`` as the file names it."""

    line: int
    column: str
    message: str


class PlannedRow(Protocol):
    """A checked row: ``existing`` is the row it updates (None: it adds one)."""

    @property
    def existing(self) -> object | None: ...


@dataclass
class ImportPlan[R: PlannedRow]:
    """The checked rows of a file and every error found; applied only when there is no error."""

    rows: list[R] = field(default_factory=list)
    errors: list[RowError] = field(default_factory=list)

    @property
    def new_count(self) -> int:
        return sum(1 for row in self.rows if row.existing is None)

    @property
    def update_count(self) -> int:
        return sum(1 for row in self.rows if row.existing is not None)


@dataclass(frozen=True)
class ReadRow:
    """A non-blank data row: its line and its values by column key (cells stripped)."""

    line: int
    values: dict[str, str]


# Reading files ------------------------------------------------------------------------------


def decode(data: bytes) -> str:
    """UTF-8 (with or without BOM), else TIS-620 as saved by Thai Excel."""
    try:
        return data.decode("utf-8-sig")
    except UnicodeDecodeError:
        return data.decode("cp874")


def csv_lines(text: str) -> Iterator[Line]:
    """The records of a CSV text, numbered as Excel shows them (a cell on two lines is one row)."""
    return enumerate(csv.reader(io.StringIO(text)), start=1)


class UnreadableFileError(Exception):
    """The upload is not a spreadsheet we can read."""


def _cell_text(value: Any) -> str:
    if value is None:
        return ""
    if isinstance(value, bool):
        return "TRUE" if value else "FALSE"
    if isinstance(value, float):
        # Excel stores "3" typed in a cell as 3.0, and "4.1" as 4.1.
        return str(int(value)) if value.is_integer() else repr(value)
    if isinstance(value, dt.datetime | dt.date):
        return value.isoformat()
    if isinstance(value, Decimal):
        return format(value, "f")
    return str(value)


def xlsx_lines(data: bytes) -> Iterator[Line]:
    """The rows of the first sheet of an Excel (.xlsx) file, cells as text."""
    try:
        workbook = load_workbook(io.BytesIO(data), read_only=True, data_only=True)
    except (InvalidFileException, zipfile.BadZipFile, KeyError, ValueError, OSError) as error:
        raise UnreadableFileError(str(error)) from error
    try:
        sheet = workbook.worksheets[0]
        for number, row in enumerate(sheet.iter_rows(values_only=True), start=1):
            yield number, [_cell_text(value) for value in row]
    finally:
        workbook.close()


def upload_lines(name: str, data: bytes) -> Iterator[Line]:
    """The rows of an uploaded .xlsx or .csv file (chosen by its name)."""
    if name.lower().endswith(".xlsx"):
        return xlsx_lines(data)
    return csv_lines(decode(data))


def read_rows(
    lines: Iterable[Line],
    *,
    headers: Mapping[str, str],
    required: Sequence[str],
    max_rows: int,
    labels: Mapping[str, str] | None = None,
) -> tuple[list[ReadRow], list[RowError]]:
    """Find the header row, map its columns and return the non-blank data rows.

    ``headers`` maps the accepted column names (Thai or English, any case) to keys; ``required``
    keys must all be present. ``labels`` names a key in messages and errors (default: the key).
    Errors: an empty file, missing columns (on the header's line), more than ``max_rows`` rows.
    """
    labels = labels or {}
    errors: list[RowError] = []
    iterator = iter(lines)
    try:
        header_line, header = next((line, cells) for line, cells in iterator if any(cells))
    except StopIteration:
        return [], [RowError(1, "", _("ไฟล์ว่าง หรือไม่มีแถวหัวตาราง"))]
    except UnreadableFileError:
        return [], [RowError(1, "", _("อ่านไฟล์ไม่ได้ กรุณาบันทึกเป็น Excel (.xlsx) หรือ CSV แล้วลองใหม่"))]
    columns: dict[int, str] = {}
    for position, name in enumerate(header):
        key = headers.get(name.strip().lower()) or headers.get(name.strip())
        if key and key not in columns.values():
            columns[position] = key
    for key in required:
        if key not in columns.values():
            label = labels.get(key, key)
            errors.append(
                RowError(header_line, label, _("ไม่พบคอลัมน์ “%(column)s”") % {"column": label})
            )
    if errors:
        return [], errors
    rows: list[ReadRow] = []
    for line, cells in iterator:
        if line - header_line > max_rows:
            errors.append(RowError(line, "", _("ไฟล์มีเกิน %d แถว") % max_rows))
            break
        values = {
            key: (cells[position] if position < len(cells) else "").strip()
            for position, key in columns.items()
        }
        if any(values.values()):
            rows.append(ReadRow(line, values))
    return rows, errors


# The upload form and the signed confirmation ------------------------------------------------


class ImportUploadForm(forms.Form):
    """One file, checked for size and type; ``cleaned_data["file"]`` is (name, content)."""

    file = forms.FileField(label=gettext_lazy("ไฟล์"))

    def __init__(
        self,
        *args: Any,
        extensions: Sequence[str] = (".csv",),
        type_message: str = "",
        max_bytes: int = MAX_UPLOAD_BYTES,
        label: str = "",
        **kwargs: Any,
    ) -> None:
        super().__init__(*args, **kwargs)
        self.extensions = tuple(extensions)
        self.type_message = type_message
        self.max_bytes = max_bytes
        if label:
            self.fields["file"].label = label
        self.fields["file"].widget.attrs["accept"] = ",".join(self.extensions)

    def clean_file(self) -> tuple[str, bytes]:
        upload = self.cleaned_data["file"]
        if upload.size > self.max_bytes:
            megabytes = self.max_bytes / (1024 * 1024)
            raise forms.ValidationError(_("ไฟล์ใหญ่เกิน %s MB") % f"{megabytes:g}")
        name = str(upload.name or "")
        if not name.lower().endswith(self.extensions):
            raise forms.ValidationError(
                self.type_message or _("รองรับเฉพาะไฟล์ %s") % ", ".join(self.extensions)
            )
        return name, upload.read()


def sign_upload(name: str, data: bytes, *, salt: str) -> str:
    """A tamper-proof token holding a checked file, for the confirmation form."""
    return signing.dumps(
        {"name": name, "data": base64.b64encode(data).decode()}, salt=salt, compress=True
    )


def unsign_upload(token: str, *, salt: str, max_age: int = 3600) -> tuple[str, bytes]:
    """The file of a token made by ``sign_upload``; raises ``signing.BadSignature``."""
    payload = signing.loads(token, salt=salt, max_age=max_age)
    try:
        return str(payload["name"]), base64.b64decode(payload["data"])
    except (KeyError, TypeError, ValueError) as error:
        raise signing.BadSignature(str(error)) from error
