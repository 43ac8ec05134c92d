"""Edge files: ``_headers`` (Cloudflare Pages / Netlify syntax), ``robots.txt`` and ``sitemap.xml``."""

from __future__ import annotations

from collections.abc import Iterable
from xml.sax.saxutils import escape

from statusgen.view.types import AudienceView

# Pages carry no scripts; the dev server's reload script is served only by `statusgen serve`.
CSP = (
    "default-src 'none'; style-src 'self'; img-src 'self' data:; "
    "base-uri 'none'; form-action 'none'; frame-ancestors 'none'"
)

ASSET_CSP = "default-src 'none'; style-src 'unsafe-inline'; img-src 'self' data:; sandbox"
"""For a logo or any asset opened on its own: drawn, never scripted, in an origin of its own."""

_SECURITY = (
    f"  Content-Security-Policy: {CSP}",
    "  X-Content-Type-Options: nosniff",
    "  Referrer-Policy: strict-origin-when-cross-origin",
    "  X-Frame-Options: DENY",
    "  Permissions-Policy: interest-cohort=()",
)


def render_meta(view: AudienceView, paths: Iterable[str]) -> dict[str, bytes]:
    """The edge files for a site whose other files are ``paths``."""
    files = {"_headers": _headers(view).encode(), "robots.txt": _robots(view).encode()}
    if view.access == "public":
        files["sitemap.xml"] = _sitemap(view, paths).encode()
    return files


def _headers(view: AudienceView) -> str:
    private = view.access == "private"
    # Status pages change every few minutes: HTML and data are revalidated quickly, while hashed
    # assets never change under their name and may be cached for a year.
    short = "private, max-age=0, must-revalidate" if private else "public, max-age=60, must-revalidate"
    lines = ["/*", *_SECURITY]
    if private:
        lines += ["  X-Robots-Tag: noindex, nofollow", "  Cache-Control: private, no-store"]
    else:
        lines.append(f"  Cache-Control: {short}")
    lines += [
        "",
        "/assets/*",
        # Rules add up, so the pages' policy is taken off before the assets' own replaces it.
        "  ! Content-Security-Policy",
        f"  Content-Security-Policy: {ASSET_CSP}",
        "  ! Cache-Control",
        f"  Cache-Control: {'private' if private else 'public'}, max-age=31536000, immutable",
        "",
        "/api/*",
        "  Content-Type: application/json; charset=utf-8",
        *([] if private else ["  Access-Control-Allow-Origin: *"]),
        "",
        "/uptime/*.csv",
        "  Content-Type: text/csv; charset=utf-8",
        "",
        "/uptime/*.json",
        "  Content-Type: application/json; charset=utf-8",
        "",
        "/*.ics",
        "  Content-Type: text/calendar; charset=utf-8",
        "",
        "/*.rss",
        "  Content-Type: application/rss+xml; charset=utf-8",
        "",
        "/*.atom",
        "  Content-Type: application/atom+xml; charset=utf-8",
        "",
    ]
    return "\n".join(lines)


def _robots(view: AudienceView) -> str:
    if view.access == "private":
        return "User-agent: *\nDisallow: /\n"
    return f"User-agent: *\nAllow: /\n\nSitemap: {view.base_url}sitemap.xml\n"


def _sitemap(view: AudienceView, paths: Iterable[str]) -> str:
    urls = sorted(view.base_url + p.removesuffix("index.html") for p in paths if p.endswith("index.html"))
    body = "".join(f"<url><loc>{escape(url)}</loc></url>" for url in urls)
    return (
        '<?xml version="1.0" encoding="UTF-8"?>\n'
        f'<urlset xmlns="http://www.sitemaps.org/schemas/sitemap/0.9">{body}</urlset>\n'
    )
