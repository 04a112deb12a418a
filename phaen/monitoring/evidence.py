"""Evidence files: what is accepted, how it is checked, and how it goes back to readers.

Only office documents and images are accepted (PDF, PNG, JPEG, XLSX, XLS, DOCX, CSV), at most
``PHAEN_EVIDENCE_MAX_BYTES``. The extension and the content must agree: the first bytes are
checked against the format's signature (an HTML page renamed ``.pdf`` is refused), Office files
must be the zip package of their kind, a CSV must be text and not markup. The content type is
ours, never the browser's. Files are stored under a random name, and are only ever sent as a
download with ``nosniff`` and a sandboxing CSP, so nothing uploaded can run in the site's origin.
"""

from __future__ import annotations

import hashlib
import unicodedata
import zipfile
from collections.abc import Callable
from dataclasses import dataclass
from decimal import Decimal
from pathlib import PurePath
from typing import IO, Any

from django.conf import settings
from django.http import FileResponse
from django.utils.translation import gettext as _

from phaen.core.exceptions import DomainError
from phaen.monitoring.models import Evidence
from phaen.thai.money import format_baht

HEAD_BYTES = 8192
CHUNK_BYTES = 64 * 1024

PDF = "application/pdf"
XLSX = "application/vnd.openxmlformats-officedocument.spreadsheetml.sheet"
DOCX = "application/vnd.openxmlformats-officedocument.wordprocessingml.document"


def _starts(*signatures: bytes) -> Callable[[bytes, IO[bytes]], bool]:
    def check(head: bytes, _file: IO[bytes]) -> bool:
        return any(head.startswith(signature) for signature in signatures)

    return check


def _office_package(marker: str) -> Callable[[bytes, IO[bytes]], bool]:
    """An Office Open XML file: a zip whose parts include ``marker`` (xl/ or word/)."""

    def check(head: bytes, file: IO[bytes]) -> bool:
        if not head.startswith(b"PK\x03\x04"):
            return False
        try:
            file.seek(0)
            with zipfile.ZipFile(file) as package:
                names = package.namelist()
        except (zipfile.BadZipFile, OSError, ValueError):
            return False
        finally:
            file.seek(0)
        return "[Content_Types].xml" in names and any(n.startswith(marker) for n in names)

    return check


_MARKUP = (b"<!doctype", b"<html", b"<script", b"<svg", b"<?xml", b"<body", b"<head", b"<iframe")


def _text_table(head: bytes, _file: IO[bytes]) -> bool:
    """A CSV: text in UTF-8 or Thai Windows encoding, no NUL bytes, not a page of markup."""
    if b"\x00" in head:
        return False
    text = head.removeprefix(b"\xef\xbb\xbf")
    for encoding in ("utf-8", "cp874"):
        try:
            # The head may end inside a multi-byte character: ignore a cut-off last one.
            text.decode(encoding) if len(text) < HEAD_BYTES else text[:-4].decode(encoding)
            break
        except UnicodeDecodeError:
            continue
    else:
        return False
    lowered = text.lstrip().lower()
    return not any(tag in lowered[:1024] for tag in _MARKUP)


@dataclass(frozen=True)
class FileKind:
    label: str
    content_type: str
    check: Callable[[bytes, IO[bytes]], bool]


ALLOWED: dict[str, FileKind] = {
    ".pdf": FileKind("PDF", PDF, _starts(b"%PDF-")),
    ".png": FileKind("PNG", "image/png", _starts(b"\x89PNG\r\n\x1a\n")),
    ".jpg": FileKind("JPEG", "image/jpeg", _starts(b"\xff\xd8\xff")),
    ".jpeg": FileKind("JPEG", "image/jpeg", _starts(b"\xff\xd8\xff")),
    ".xlsx": FileKind("XLSX", XLSX, _office_package("xl/")),
    ".xls": FileKind(
        "XLS", "application/vnd.ms-excel", _starts(b"\xd0\xcf\x11\xe0\xa1\xb1\x1a\xe1")
    ),
    ".docx": FileKind("DOCX", DOCX, _office_package("word/")),
    ".csv": FileKind("CSV", "text/csv", _text_table),
}


def allowed_types_text() -> str:
    return ", ".join(dict.fromkeys(kind.label for kind in ALLOWED.values()))


@dataclass(frozen=True)
class CheckedFile:
    """An upload that passed the checks: its clean name, our content type, size and digest."""

    original_name: str
    extension: str
    content_type: str
    size: int
    sha256: str


def clean_name(name: str) -> str:
    """The file's own name (no directories, no control characters), at most 255 characters."""
    base = PurePath(name.replace("\\", "/")).name
    cleaned = "".join(ch for ch in base if unicodedata.category(ch)[0] != "C").strip()
    if len(cleaned) > 255:
        stem, suffix = PurePath(cleaned).stem, PurePath(cleaned).suffix
        cleaned = stem[: 255 - len(suffix)] + suffix
    return cleaned


def max_bytes() -> int:
    return int(settings.PHAEN_EVIDENCE_MAX_BYTES)


def check_upload(upload: Any) -> CheckedFile:
    """Check an uploaded file (a Django ``UploadedFile`` or ``File``); raise ``DomainError`` with
    a Thai message when it is refused. Leaves the file positioned at its start."""
    name = clean_name(str(getattr(upload, "name", "") or ""))
    extension = PurePath(name).suffix.lower()
    kind = ALLOWED.get(extension)
    if kind is None:
        raise DomainError(
            _("ไม่รับไฟล์ชนิดนี้ (%(ext)s) รับเฉพาะ %(allowed)s")
            % {"ext": extension or _("ไม่มีนามสกุล"), "allowed": allowed_types_text()},
            field="file",
        )
    limit = max_bytes()
    declared = getattr(upload, "size", None)
    if declared is not None and declared > limit:
        raise _too_large(declared, limit)
    upload.seek(0)
    head = upload.read(HEAD_BYTES)
    if not head:
        raise DomainError(_("ไฟล์ว่างเปล่า กรุณาเลือกไฟล์ใหม่"), field="file")
    if not kind.check(head, upload):
        raise DomainError(
            _(
                "เนื้อหาของไฟล์ “%(name)s” ไม่ใช่ไฟล์ %(kind)s ตามนามสกุล "
                "ระบบจึงไม่รับไว้ (เพื่อความปลอดภัย ระบบตรวจทั้งนามสกุลและเนื้อหาของไฟล์)"
            )
            % {"name": name, "kind": kind.label},
            field="file",
        )
    upload.seek(0)
    digest = hashlib.sha256()
    size = 0
    for chunk in iter(lambda: upload.read(CHUNK_BYTES), b""):
        size += len(chunk)
        if size > limit:
            raise _too_large(size, limit)
        digest.update(chunk)
    upload.seek(0)
    return CheckedFile(name, extension, kind.content_type, size, digest.hexdigest())


def _megabytes(value: int) -> str:
    return format_baht(Decimal(value) / (1024 * 1024), places=1)


def _too_large(size: int, limit: int) -> DomainError:
    return DomainError(
        _("ไฟล์มีขนาดใหญ่เกินไป (%(size)s MB) รับได้ไม่เกิน %(limit)s MB")
        % {"size": _megabytes(size), "limit": _megabytes(limit)},
        field="file",
    )


def download_response(evidence: Evidence) -> FileResponse:
    """The file as a download that no browser renders or runs: attachment, our content type,
    ``nosniff`` and ``Content-Security-Policy: sandbox``. The caller has checked access."""
    if evidence.kind != Evidence.Kind.FILE or not evidence.file:
        raise ValueError("only file evidence is downloaded")
    response = FileResponse(
        evidence.file.open("rb"),
        as_attachment=True,
        filename=evidence.original_name or PurePath(evidence.file.name or "").name,
        content_type=evidence.content_type or "application/octet-stream",
    )
    response["X-Content-Type-Options"] = "nosniff"
    response["Content-Security-Policy"] = "sandbox"
    response["Cache-Control"] = "private, no-store"
    return response
