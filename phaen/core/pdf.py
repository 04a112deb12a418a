"""PDF documents from HTML templates (WeasyPrint), in Sarabun with Thai line breaking.

A document is an ordinary template that extends ``core/pdf/base.html``; ``render_pdf`` turns it
into PDF bytes and ``pdf_response`` sends them as a download::

    pdf = render_pdf("plans/pdf/plan.html", {"outline": outline}, request=request)
    return pdf_response(pdf, "แผนปฏิบัติการ 2561.pdf")

WeasyPrint lays the text out with Pango, which shapes Thai with HarfBuzz and breaks Thai lines
between words with libthai's dictionary. The fonts are the Sarabun TTF files in
``core/fonts/`` of core's static files, loaded by ``@font-face`` rules in ``core/css/pdf.css``:
no system font and no fontconfig alias is ever named (the system's "TH Sarabun New" alias is a
scaled Laksaman whose glyphs overlap). Nothing is fetched over the network: the fetcher reads
only the fonts and the static files (``resolve_url``). Rendering needs no request, so a
background task can call it too.
"""

from __future__ import annotations

import logging
import mimetypes
import re
import unicodedata
from collections.abc import Mapping
from functools import cache
from pathlib import Path
from typing import TYPE_CHECKING, Any
from urllib.parse import quote, unquote, urlsplit
from urllib.request import url2pathname

from django.conf import settings
from django.contrib.staticfiles import finders
from django.http import HttpRequest, HttpResponse
from django.template.loader import render_to_string
from django.utils import timezone

if TYPE_CHECKING:
    from weasyprint.urls import URLFetcher

logger = logging.getLogger(__name__)
# WeasyPrint reports each step of every document at INFO; only its warnings belong in the log.
logging.getLogger("weasyprint.progress").setLevel(logging.WARNING)

FONTS_DIR = Path(__file__).resolve().parent / "static" / "core" / "fonts"
STYLESHEET = "core/css/pdf.css"
PDF_CONTENT_TYPE = "application/pdf"


class RefusedURLError(ValueError):
    """A document asked for something other than the repository's fonts and static files."""


@cache
def _static_roots() -> tuple[Path, ...]:
    """The directories static files are found in (each app's static/, STATICFILES_DIRS)."""
    roots: set[Path] = set()
    for finder in finders.get_finders():
        for storage in getattr(finder, "storages", {}).values():
            location = getattr(storage, "location", None)
            if location:
                roots.add(Path(location).resolve())
    return tuple(sorted(roots))


def static_file(path: str) -> Path:
    """The file of a static path (``core/css/pdf.css``), found as ``{% static %}`` would find it."""
    found = finders.find(path)
    if not found:
        raise RefusedURLError(f"no static file {path!r}")
    return Path(found if isinstance(found, str) else found[0]).resolve()


def resolve_url(url: str, *, origin: tuple[str, str] | None = None) -> Path:
    """The repository file a document's URL names, or ``RefusedURLError``.

    Allowed: ``file:`` URLs inside a static directory (the fonts are static files too), and URLs
    on the document's own ``origin`` (scheme, host) under ``STATIC_URL``, read from disk, never
    over the network.
    """
    parts = urlsplit(url)
    scheme = parts.scheme.lower()
    path: Path | None = None
    if scheme == "file":
        candidate = Path(url2pathname(parts.path)).resolve()
        if any(candidate.is_relative_to(root) for root in (FONTS_DIR, *_static_roots())):
            path = candidate
    elif (scheme, parts.netloc) == origin and parts.path.startswith(settings.STATIC_URL):
        path = static_file(unquote(parts.path.removeprefix(settings.STATIC_URL)))
    if path is None or not path.is_file():
        raise RefusedURLError(f"PDF documents load only the repository's files, not {url}")
    return path


@cache
def _fetcher_class() -> type[URLFetcher]:
    """WeasyPrint's fetcher, limited to ``resolve_url`` and ``data:`` URLs.

    Defined on first use: importing WeasyPrint takes half a second, which every process that
    loads the URLconf (each manage.py command, each test run) would otherwise pay.
    """
    from weasyprint.urls import URLFetcher, URLFetcherResponse

    class RepositoryFetcher(URLFetcher):
        def __init__(self, base_url: str | None) -> None:
            super().__init__(allowed_protocols=("file", "data", "http", "https"))
            self.origin = (
                (urlsplit(base_url).scheme, urlsplit(base_url).netloc) if base_url else None
            )

        def fetch(self, url: str, headers: Mapping[str, str] | None = None) -> URLFetcherResponse:
            if urlsplit(url).scheme.lower() == "data":
                return super().fetch(url, headers)
            try:
                path = resolve_url(url, origin=self.origin)
            except RefusedURLError:
                logger.warning("PDF rendering refused to fetch %s", url)
                raise
            content_type = mimetypes.guess_type(path.name)[0] or "application/octet-stream"
            return URLFetcherResponse(
                path.as_uri(), body=path.read_bytes(), headers={"Content-Type": content_type}
            )

    return RepositoryFetcher


def render_pdf(
    template_name: str,
    context: Mapping[str, Any],
    *,
    request: HttpRequest | None = None,
    base_url: str | None = None,
) -> bytes:
    """Render a template extending ``core/pdf/base.html`` to PDF bytes.

    The template gets ``context`` plus ``pdf_stylesheet`` (the print stylesheet's file URL) and
    ``pdf_generated_at``; no context processors run, so the document is the same whether a view
    or a background task renders it. ``request`` (or ``base_url``) only makes relative links
    absolute, so that links in the PDF lead back to the site.
    """
    html = render_to_string(
        template_name,
        {
            **context,
            "pdf_stylesheet": static_file(STYLESHEET).as_uri(),
            "pdf_generated_at": timezone.now(),
        },
    )
    from weasyprint import HTML  # on first use: see _fetcher_class
    from weasyprint.text.fonts import FontConfiguration

    if base_url is None and request is not None:
        base_url = request.build_absolute_uri("/")
    document = HTML(string=html, base_url=base_url, url_fetcher=_fetcher_class()(base_url))
    pdf = document.write_pdf(font_config=FontConfiguration())
    assert pdf is not None  # noqa: S101 (write_pdf returns the bytes when given no target)
    return pdf


def document_filename(name: str, extension: str = "pdf") -> str:
    """A file name from a title: characters that Windows or a path would refuse become "-"."""
    for character in '/\\:*?"<>|':
        name = name.replace(character, "-")
    name = "".join(c for c in name if unicodedata.category(c)[0] != "C")
    return " ".join(name.split())[:150].strip() + f".{extension}"


def ascii_filename(filename: str) -> str:
    """A plain-ASCII stand-in for clients that ignore ``filename*`` (very old ones)."""
    stem, dot, extension = filename.rpartition(".")
    if not dot:
        stem, extension = filename, ""
    plain = unicodedata.normalize("NFKD", stem).encode("ascii", "ignore").decode()
    plain = re.sub(r"[^A-Za-z0-9._-]+", "-", plain).strip("-.") or "document"
    return f"{plain}.{extension}" if extension else plain


def content_disposition(filename: str, *, fallback: str | None = None) -> str:
    """``attachment; filename="…"; filename*=UTF-8''…``: a Thai name per RFC 6266 and 5987.

    ``filename`` is the name in UTF-8 (``filename*``, which every current browser reads);
    ``fallback`` the plain-ASCII ``filename`` for older clients (made from ``filename`` if not
    given).
    """
    plain = ascii_filename(fallback or filename)
    if plain == filename:
        return f'attachment; filename="{plain}"'
    return f"attachment; filename=\"{plain}\"; filename*=UTF-8''{quote(filename, safe='')}"


def pdf_response(pdf_bytes: bytes, filename: str, *, fallback: str | None = None) -> HttpResponse:
    """A download of a rendered PDF under a (Thai) file name."""
    response = HttpResponse(pdf_bytes, content_type=PDF_CONTENT_TYPE)
    response["Content-Disposition"] = content_disposition(filename, fallback=fallback)
    response["Content-Length"] = str(len(pdf_bytes))
    return response
