"""Branding SVGs are published on the status page's own origin, where a script in one would run when
the file is opened: only plain drawings pass, checked against an allowlist of elements and attributes.

Fail closed: anything not known to be harmless is refused, even when a browser would ignore it.
"""

from __future__ import annotations

import re
from xml.parsers import expat

from statusgen.errors import Problem

SVG = "http://www.w3.org/2000/svg"
_XLINK = "http://www.w3.org/1999/xlink"
_XML = "http://www.w3.org/XML/1998/namespace"
_HINT = "export it as a plain SVG without scripts, links or embedded content"

_ELEMENTS = frozenset(
    """svg g defs symbol use title desc style
    path rect circle ellipse line polyline polygon text tspan textPath
    linearGradient radialGradient stop pattern clipPath mask marker
    filter feBlend feColorMatrix feComponentTransfer feComposite feConvolveMatrix feDiffuseLighting
    feDisplacementMap feDistantLight feDropShadow feFlood feFuncA feFuncB feFuncG feFuncR
    feGaussianBlur feMerge feMergeNode feMorphology feOffset fePointLight feSpecularLighting
    feSpotLight feTile feTurbulence""".split()  # noqa: SIM905 (a word list reads better than quoted words)
)
"""Drawing, text, paint and filter elements; not script, foreignObject, a, image, feImage, animate…"""

_ATTRIBUTES = frozenset(
    """id class style lang role aria-label aria-labelledby aria-describedby aria-hidden focusable
    version baseProfile width height viewBox preserveAspectRatio x y enable-background
    d cx cy r rx ry x1 y1 x2 y2 fx fy fr points pathLength transform transform-origin
    dx dy rotate textLength lengthAdjust startOffset method spacing side
    alignment-baseline baseline-shift clip-path clip-rule color color-interpolation
    color-interpolation-filters color-rendering direction display dominant-baseline fill fill-opacity
    fill-rule filter flood-color flood-opacity font-family font-size font-size-adjust font-stretch
    font-style font-variant font-weight image-rendering isolation letter-spacing lighting-color
    marker-end marker-mid marker-start mask mix-blend-mode opacity overflow paint-order
    shape-rendering stop-color stop-opacity stroke stroke-dasharray stroke-dashoffset stroke-linecap
    stroke-linejoin stroke-miterlimit stroke-opacity stroke-width text-anchor text-decoration
    text-rendering unicode-bidi vector-effect visibility word-spacing writing-mode
    href gradientUnits gradientTransform spreadMethod offset
    patternUnits patternContentUnits patternTransform clipPathUnits maskUnits maskContentUnits
    markerWidth markerHeight markerUnits refX refY orient type media
    filterUnits primitiveUnits in in2 result stdDeviation mode values operator k1 k2 k3 k4 radius
    edgeMode order kernelMatrix divisor bias targetX targetY preserveAlpha surfaceScale
    diffuseConstant specularConstant specularExponent kernelUnitLength azimuth elevation z
    pointsAtX pointsAtY pointsAtZ limitingConeAngle scale xChannelSelector yChannelSelector
    baseFrequency numOctaves seed stitchTiles tableValues slope intercept amplitude exponent
    """.split()  # noqa: SIM905 (a word list reads better than quoted words)
)
"""Attributes without a namespace allowed on any allowed element: geometry and presentation; no
``on…`` event handler. ``href`` (also as ``xlink:href``) must point into the same image."""

_LOCAL_LINK = re.compile(r"#[\w.:-]+")
_URL = re.compile(r"url\(\s*['\"]?\s*(.?)")
_CSS_LOADS = ("@import", "image-set(", "src(", "\\")
"""CSS that fetches something without ``url(`` (or, for the backslash, hides a name in an escape)."""


class _UnsafeError(Exception):
    """Something not known to be harmless: what it is (where: see :attr:`_Checker.at`) and the fix."""

    def __init__(self, message: str, fix: str = _HINT) -> None:
        super().__init__(f"{message}; {fix}")


def svg_problems(content: bytes, path: str) -> list[Problem]:
    """Why the SVG ``content`` of the file at ``path`` may not be published; empty when it may.

    Only the first problem is reported: the fix is to export the whole file again, not to mend it.
    """
    parser = expat.ParserCreate(namespace_separator=" ")
    checker = _Checker(parser)
    try:
        parser.Parse(content, True)
    except expat.ExpatError as error:
        reason = expat.ErrorString(error.code)
        return [Problem(path, error.lineno, error.offset + 1, f"the SVG is not well-formed XML ({reason})")]
    except _UnsafeError as unsafe:
        line, col = checker.at
        return [Problem(path, line, col, str(unsafe))]
    return []


class _Checker:
    """Expat handlers that raise :class:`_UnsafeError` at the first thing not on the allowlists."""

    def __init__(self, parser: expat.XMLParserType) -> None:
        self._parser = parser
        self.at = (1, 1)
        """Where the thing being checked starts (expat moves on once a handler raises)."""
        self._depth = 0
        self._style: list[str] | None = None
        """The text of the ``<style>`` element being read."""
        self._style_at = self.at
        parser.StartDoctypeDeclHandler = self._doctype
        parser.EntityDeclHandler = self._doctype
        parser.ProcessingInstructionHandler = self._instruction
        parser.StartElementHandler = self._start
        parser.EndElementHandler = self._end
        parser.CharacterDataHandler = self._text

    def _mark(self) -> None:
        self.at = (self._parser.CurrentLineNumber, self._parser.CurrentColumnNumber + 1)

    def _doctype(self, *_: object) -> None:
        self._mark()
        raise _UnsafeError(f"a <!DOCTYPE> (it can define entities) {_REFUSED}", f"delete it, or {_HINT}")

    def _instruction(self, target: str, _: str) -> None:
        self._mark()
        raise _UnsafeError(f"the processing instruction <?{target}?> {_REFUSED}")

    def _start(self, name: str, attributes: dict[str, str]) -> None:
        self._mark()
        namespace, _, element = name.rpartition(" ")
        if self._depth == 0 and (namespace, element) != (SVG, "svg"):
            raise _UnsafeError(
                f'the root element must be <svg xmlns="{SVG}">, not <{element}>{_of(namespace)}'
            )
        if namespace != SVG or element not in _ELEMENTS:
            raise _UnsafeError(f"the element <{element}>{_of(namespace)} {_REFUSED}")
        if self._style is not None:  # its end would cut the style sheet in two, each checked alone
            raise _UnsafeError(f"the element <{element}> inside <style> {_REFUSED}")
        for attribute, value in attributes.items():
            _check_attribute(element, attribute, value)
        self._depth += 1
        if element == "style":
            self._style = []
            self._style_at = self.at

    def _end(self, _: str) -> None:
        self._depth -= 1
        if self._style is not None:
            self.at = self._style_at
            _check_value("<style>", "".join(self._style), css=True)
            self._style = None

    def _text(self, text: str) -> None:
        if self._style is not None:
            self._style.append(text)


_REFUSED = "is not allowed in a branding SVG"


def _of(namespace: str) -> str:
    return "" if namespace == SVG else f" of namespace {namespace or '(none)'}"


def _check_attribute(element: str, attribute: str, value: str) -> None:
    namespace, _, name = attribute.rpartition(" ")
    allowed = (
        (not namespace and (name in _ATTRIBUTES or name.startswith("data-")))
        or (namespace == _XLINK and name == "href")
        or (namespace == _XML and name in ("space", "lang"))
    )
    if not allowed:
        raise _UnsafeError(f"the attribute {name}{_of(namespace or SVG)} of <{element}> {_REFUSED}")
    where = f"the attribute {name} of <{element}>"
    if name == "href" and not _LOCAL_LINK.fullmatch(value):
        raise _UnsafeError(f"{where} links outside the image; only #id links are allowed in a branding SVG")
    _check_value(where, value, css=name == "style")


def _check_value(where: str, text: str, *, css: bool) -> None:
    """Refuse a value or style sheet that could fetch a resource or run a script."""
    folded = "".join(text.lower().split())
    if "javascript:" in folded:
        raise _UnsafeError(f"{where} holds a javascript: URL, which {_REFUSED}")
    loads = next((token for token in _CSS_LOADS if token in folded), None) if css else None
    if loads is not None:
        raise _UnsafeError(f"{where} uses {loads}, which {_REFUSED}")
    if any(match.group(1) != "#" for match in _URL.finditer(folded)):
        raise _UnsafeError(
            f"{where} loads a url() from outside the image; only url(#id) is allowed in a branding SVG"
        )
