import dataclasses
from xml.etree import ElementTree

from sample_view import sample_view

from statusgen.render.meta import render_meta

PAGES = ["index.html", "incidents/a/index.html", "history.rss", "assets/style.0123abcd.css"]


def test_public_site_has_sitemap_of_pages_only() -> None:
    files = render_meta(sample_view(), PAGES)
    root = ElementTree.fromstring(files["sitemap.xml"])
    locs = [el.text for el in root.iter("{http://www.sitemaps.org/schemas/sitemap/0.9}loc")]
    assert locs == ["https://status.northwind.example/", "https://status.northwind.example/incidents/a/"]
    assert b"Sitemap: https://status.northwind.example/sitemap.xml" in files["robots.txt"]


def test_public_headers_cache_briefly_and_forbid_scripts() -> None:
    headers = render_meta(sample_view(), PAGES)["_headers"].decode()
    assert "Cache-Control: public, max-age=60" in headers
    assert "max-age=31536000, immutable" in headers
    csp = next(line for line in headers.splitlines() if "Content-Security-Policy" in line)
    assert "default-src 'none'" in csp and "script-src" not in csp
    assert "noindex" not in headers


def test_private_site_is_hidden_from_robots_and_caches() -> None:
    view = dataclasses.replace(sample_view(), access="private")
    files = render_meta(view, PAGES)
    assert "sitemap.xml" not in files
    assert files["robots.txt"] == b"User-agent: *\nDisallow: /\n"
    headers = files["_headers"].decode()
    assert "X-Robots-Tag: noindex, nofollow" in headers
    assert "Cache-Control: private" in headers
    assert "public" not in headers
    assert "Access-Control-Allow-Origin" not in headers
