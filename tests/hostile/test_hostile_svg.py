"""A branding SVG is published on the status origin: one that could run a script or fetch anything is
refused at load time, at the line of the offending element; and the edge headers sandbox assets."""

from __future__ import annotations

from pathlib import Path

import pytest
from attack import Target, assert_refused, built_example, copy_target
from example import EXAMPLE_ROOT

from statusgen.load.svg import svg_problems

LOGO = "site-config/assets/logo.svg"
HINT = "export it as a plain SVG without scripts, links or embedded content"
OPEN = (
    '<svg xmlns="http://www.w3.org/2000/svg" xmlns:xlink="http://www.w3.org/1999/xlink" viewBox="0 0 9 9">\n'
)


@pytest.fixture(scope="module")
def built(tmp_path_factory: pytest.TempPathFactory) -> tuple[Target, dict[str, bytes]]:
    target = built_example(tmp_path_factory.mktemp("built"))
    return target, target.output()


HOSTILE = [
    (
        "  <script>alert(document.cookie)</script>\n",
        "2:3",
        "the element <script> is not allowed in a branding SVG",
    ),
    (
        '  <rect width="9" height="9" onload="alert(1)"/>\n',
        "2:3",
        "the attribute onload of <rect> is not allowed in a branding SVG",
    ),
    (
        '  <foreignObject><p xmlns="http://www.w3.org/1999/xhtml">hi</p></foreignObject>\n',
        "2:3",
        "the element <foreignObject> is not allowed in a branding SVG",
    ),
    (
        '  <a href="javascript:alert(1)"><rect width="9" height="9"/></a>\n',
        "2:3",
        "the element <a> is not allowed in a branding SVG",
    ),
    (
        '  <use href="https://evil.example/sprite.svg#x"/>\n',
        "2:3",
        "the attribute href of <use> links outside the image; only #id links are allowed in a branding SVG",
    ),
    (
        '  <use xlink:href="data:image/svg+xml;base64,PHN2Zy8+#x"/>\n',
        "2:3",
        "the attribute href of <use> links outside the image; only #id links are allowed in a branding SVG",
    ),
    (
        '  <rect width="9" height="9" fill="java&#x09;script:alert(1)"/>\n',
        "2:3",
        "the attribute fill of <rect> holds a javascript: URL, which is not allowed in a branding SVG",
    ),
    (
        '  <rect width="9" height="9" style="fill: URL( \'https://evil.example/track\' )"/>\n',
        "2:3",
        "the attribute style of <rect> loads a url() from outside the image; "
        "only url(#id) is allowed in a branding SVG",
    ),
    (
        '  <rect width="9" height="9" filter="url(data:x)"/>\n',
        "2:3",
        "the attribute filter of <rect> loads a url() from outside the image; "
        "only url(#id) is allowed in a branding SVG",
    ),
    (
        "  <style>\n    @import 'https://evil.example/x.css';\n  </style>\n",
        "2:3",
        "<style> uses @import, which is not allowed in a branding SVG",
    ),
    (
        "  <style>rect { fill: u\\72l(https://evil.example/x) }</style>\n",
        "2:3",
        "<style> uses \\, which is not allowed in a branding SVG",
    ),
    (
        "  <style>@imp<desc/>ort 'https://evil.example/x.css';</style>\n",
        "2:14",
        "the element <desc> inside <style> is not allowed in a branding SVG",
    ),
    (
        '  <image href="https://evil.example/pixel.png" width="9" height="9"/>\n',
        "2:3",
        "the element <image> is not allowed in a branding SVG",
    ),
    (
        '  <animate attributeName="href" to="javascript:alert(1)"/>\n',
        "2:3",
        "the element <animate> is not allowed in a branding SVG",
    ),
    (
        '  <h:script xmlns:h="http://www.w3.org/1999/xhtml">alert(1)</h:script>\n',
        "2:3",
        "the element <script> of namespace http://www.w3.org/1999/xhtml is not allowed in a branding SVG",
    ),
    (
        '  <rect width="9" height="9" ev:onclick="alert(1)" xmlns:ev="http://www.w3.org/2001/xml-events"/>\n',
        "2:3",
        "the attribute onclick of namespace http://www.w3.org/2001/xml-events of <rect> "
        "is not allowed in a branding SVG",
    ),
]


@pytest.mark.parametrize(("inner", "where", "message"), HOSTILE, ids=[m for _, _, m in HOSTILE])
def test_a_hostile_logo_is_refused_at_its_line(
    built: tuple[Target, dict[str, bytes]], tmp_path: Path, inner: str, where: str, message: str
) -> None:
    target = copy_target(built[0], tmp_path)
    (target.root / LOGO).write_text(OPEN + inner + "</svg>\n")
    for result in (target.validate(), target.build()):
        assert_refused(result, f"{LOGO}:{where}: error: {message}; {HINT}")
        assert result.stderr.count(f"{LOGO}:") == 1  # two audiences use it: reported once
    assert target.output() == built[1]


@pytest.mark.parametrize(
    ("document", "where", "message"),
    [
        (
            '<?xml version="1.0"?>\n<!DOCTYPE svg [<!ENTITY a "aaaaaaaaaa"><!ENTITY b "&a;&a;&a;&a;&a;">]>\n'
            f"{OPEN}<text>&b;</text></svg>",
            "2:15",  # where expat meets the internal subset
            f"a <!DOCTYPE> (it can define entities) is not allowed in a branding SVG; delete it, or {HINT}",
        ),
        (
            '<?xml-stylesheet href="https://evil.example/x.css"?>\n' + OPEN + "</svg>",
            "1:1",
            f"the processing instruction <?xml-stylesheet?> is not allowed in a branding SVG; {HINT}",
        ),
        (
            '<html xmlns="http://www.w3.org/1999/xhtml"><script>alert(1)</script></html>',
            "1:1",
            'the root element must be <svg xmlns="http://www.w3.org/2000/svg">, '
            f"not <html> of namespace http://www.w3.org/1999/xhtml; {HINT}",
        ),
        (OPEN + "<rect></svg>", "2:9", "the SVG is not well-formed XML (mismatched tag)"),
        (
            "<svg/>",
            "1:1",
            'the root element must be <svg xmlns="http://www.w3.org/2000/svg">, '
            f"not <svg> of namespace (none); {HINT}",
        ),
        ("", "1:1", "the SVG is not well-formed XML (no element found)"),
    ],
    ids=["entities", "stylesheet", "html", "broken", "no-namespace", "empty"],
)
def test_a_document_that_is_not_a_plain_svg_is_refused(document: str, where: str, message: str) -> None:
    line, col = map(int, where.split(":"))
    problems = svg_problems(document.encode(), LOGO)
    assert [(p.line, p.col, p.message) for p in problems] == [(line, col, message)]


def test_the_example_logos_and_a_typical_export_pass() -> None:
    for svg in sorted((EXAMPLE_ROOT / "site-config/assets").glob("*.svg")):
        assert svg_problems(svg.read_bytes(), svg.name) == [], svg.name
    export = (
        '<?xml version="1.0" encoding="UTF-8" standalone="no"?>\n<!-- Created with a drawing tool -->\n'
        f"{OPEN}  <title>Logo</title>\n"
        '  <g id="Layer_1" data-name="Layer 1" enable-background="new 0 0 9 9">\n'
        '    <path d="M0 0h9v9z"/>\n  </g>\n  <defs>\n'
        '    <linearGradient id="g" x1="0" x2="1" gradientUnits="objectBoundingBox">\n'
        '      <stop offset="0" stop-color="#123"/>\n'
        '      <stop offset="1" style="stop-color:#456;stop-opacity:1"/>\n'
        '    </linearGradient>\n    <clipPath id="c"><circle cx="4" cy="4" r="4"/></clipPath>\n'
        '    <filter id="f"><feGaussianBlur stdDeviation="0.5"/></filter>\n'
        '    <path id="p" d="M0 0 L9 9"/>\n  </defs>\n'
        '  <g clip-path="url(#c)" filter="url( #f )" fill="url(\'#g\')" xml:space="preserve">\n'
        '    <rect width="9" height="9"/><use href="#p"/>\n'
        '    <use xlink:href="#p" transform="rotate(90 4.5 4.5)"/>\n'
        '    <text x="1" y="8" font-family="sans-serif"><tspan>N</tspan></text>\n  </g>\n'
        "  <style><![CDATA[ @media (prefers-color-scheme: dark) { text { fill: #eee } } ]]></style>\n"
        "</svg>\n"
    )
    assert svg_problems(export.encode(), "export.svg") == []


def test_the_loaded_logo_bytes_are_the_ones_published(built: tuple[Target, dict[str, bytes]]) -> None:
    logo = (EXAMPLE_ROOT / LOGO).read_bytes()
    assert [p for p, data in built[1].items() if data == logo and p.startswith("public/assets/logo.")]


def test_assets_are_served_sandboxed_and_never_sniffed(built: tuple[Target, dict[str, bytes]]) -> None:
    blocks = {
        block.splitlines()[0]: block.splitlines()[1:]
        for block in built[1]["public/_headers"].decode().split("\n\n")
    }
    assets = blocks["/assets/*"]
    assert "  ! Content-Security-Policy" in assets
    policy = "default-src 'none'; style-src 'unsafe-inline'; img-src 'self' data:; sandbox"
    assert f"  Content-Security-Policy: {policy}" in assets
    assert "  X-Content-Type-Options: nosniff" in blocks["/*"]  # every path, assets included
    assert "  ! X-Content-Type-Options" not in assets
