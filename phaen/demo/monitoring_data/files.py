"""Small evidence files generated for the demo (no binary files in the repository): a one-page
PDF, a PNG picture and an XLSX list, each a valid file of its kind that passes the evidence
checks of ``phaen.monitoring.evidence``."""

from __future__ import annotations

import io
import struct
import zlib

from openpyxl import Workbook

#: People's names for the generated lists of participants.
NAMES = (
    ("นางสาวกมลวรรณ ศรีสุข", "โรงเรียนอนุบาลนครศรีธรรมราช"),
    ("นายธนพล แก้วมณี", "โรงเรียนวัดท่าโพธิ์"),
    ("นางจันทร์เพ็ญ ทองดี", "โรงเรียนบ้านนาเคียน"),
    ("นายสมศักดิ์ รักเรียน", "โรงเรียนอนุบาลทุ่งสง"),
    ("นางสาวปิยะนุช ชูช่วย", "โรงเรียนวัดบางพระ"),
)


def pdf_bytes(number: int) -> bytes:
    """A one-page PDF with a line of (Latin) text: a scanned document stands in for it."""
    text = f"phaen demo evidence no. {number} - FY2561"
    stream = f"BT /F1 16 Tf 72 760 Td ({text}) Tj ET".encode("ascii")
    objects = [
        b"<< /Type /Catalog /Pages 2 0 R >>",
        b"<< /Type /Pages /Kids [3 0 R] /Count 1 >>",
        b"<< /Type /Page /Parent 2 0 R /MediaBox [0 0 595 842] /Contents 4 0 R "
        b"/Resources << /Font << /F1 5 0 R >> >> >>",
        b"<< /Length %d >>\nstream\n" % len(stream) + stream + b"\nendstream",
        b"<< /Type /Font /Subtype /Type1 /BaseFont /Helvetica >>",
    ]
    out = io.BytesIO()
    out.write(b"%PDF-1.4\n")
    offsets = []
    for position, body in enumerate(objects, start=1):
        offsets.append(out.tell())
        out.write(b"%d 0 obj\n" % position + body + b"\nendobj\n")
    xref = out.tell()
    out.write(b"xref\n0 %d\n0000000000 65535 f \n" % (len(objects) + 1))
    for offset in offsets:
        out.write(b"%010d 00000 n \n" % offset)
    out.write(
        b"trailer\n<< /Size %d /Root 1 0 R >>\nstartxref\n%d\n%%%%EOF\n" % (len(objects) + 1, xref)
    )
    return out.getvalue()


def _chunk(kind: bytes, data: bytes) -> bytes:
    return (
        struct.pack(">I", len(data))
        + kind
        + data
        + struct.pack(">I", zlib.crc32(kind + data) & 0xFFFFFFFF)
    )


def png_bytes(number: int, width: int = 96, height: int = 48) -> bytes:
    """A small striped RGB picture (its colours vary with ``number``)."""
    base = (40 + number * 37) % 200
    rows = []
    for y in range(height):
        row = bytearray([0])  # filter: none
        for x in range(width):
            band = (x // 12 + y // 12) % 3
            row += bytes(((base + band * 30) % 256, (120 + band * 40) % 256, 180 - band * 30))
        rows.append(bytes(row))
    header = struct.pack(">IIBBBBB", width, height, 8, 2, 0, 0, 0)
    return (
        b"\x89PNG\r\n\x1a\n"
        + _chunk(b"IHDR", header)
        + _chunk(b"IDAT", zlib.compress(b"".join(rows), 9))
        + _chunk(b"IEND", b"")
    )


def xlsx_bytes(title: str, number: int) -> bytes:
    """A list of participants, as offices keep them in spreadsheets."""
    book = Workbook()
    sheet = book.active
    assert sheet is not None  # noqa: S101 - a new workbook always has its sheet
    sheet.title = "รายชื่อ"
    sheet.append([title])
    sheet.append(["ลำดับ", "ชื่อ-สกุล", "สถานศึกษา"])
    for position in range(len(NAMES)):
        name, school = NAMES[(position + number) % len(NAMES)]
        sheet.append([position + 1, name, school])
    out = io.BytesIO()
    book.save(out)
    return out.getvalue()
