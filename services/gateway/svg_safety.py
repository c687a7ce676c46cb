"""Is an uploaded SVG logo safe to rasterise? Refused, never repaired, when it could run or fetch anything.

An SVG is a document: it can carry scripts, event handlers, external images, stylesheets and entities.
A logo needs none of that, so anything beyond shapes, paths, text, gradients and internal `#` references is
refused with a reason the user can act on. The composer then rasterises the accepted file (librsvg, which
runs no script either): the logo on screen is always a bitmap.
"""

from __future__ import annotations

import re
import xml.etree.ElementTree as ET

SVG_NS = "http://www.w3.org/2000/svg"
MAX_SVG_BYTES = 512 * 1024
MAX_ELEMENTS = 5000
_FORBIDDEN_ELEMENTS = frozenset(
    {"script", "foreignobject", "iframe", "embed", "object", "audio", "video", "canvas", "handler", "listener",
     "set", "animate", "animatemotion", "animatetransform", "animatecolor", "feimage"}
)  # fmt: skip
_DECLARATION = re.compile(rb"<!(DOCTYPE|ENTITY|ELEMENT|ATTLIST)", re.IGNORECASE)
_PROCESSING = re.compile(rb"<\?([A-Za-z_][\w.\-]*)")
_EXTERNAL_URL = re.compile(r"url\(\s*['\"]?(?!#)", re.IGNORECASE)


class UnsafeSvg(ValueError):
    """Why the SVG was refused (a sentence for the user)."""


def _local(name: str) -> str:
    return name.rsplit("}", 1)[-1].lower()


def _check_text(text: str, where: str) -> None:
    lowered = text.lower()
    if "javascript:" in lowered or "@import" in lowered or _EXTERNAL_URL.search(text):
        raise UnsafeSvg(f"the SVG refers to something outside itself in {where}")


def check_svg(data: bytes) -> None:
    """Returns when the SVG is a self-contained drawing; raises UnsafeSvg saying what was found otherwise."""
    if len(data) > MAX_SVG_BYTES:
        raise UnsafeSvg(f"an SVG logo may be at most {MAX_SVG_BYTES // 1024} KiB")
    if _DECLARATION.search(data):
        raise UnsafeSvg("the SVG has a DOCTYPE or entity declarations (not allowed)")
    for name in _PROCESSING.findall(data):
        if name.lower() != b"xml":
            raise UnsafeSvg(f"the SVG has a <?{name.decode(errors='replace')}?> instruction (not allowed)")
    try:
        root = ET.fromstring(data)  # noqa: S314 - no DOCTYPE (checked above), so no entities to expand
    except ET.ParseError as exc:
        raise UnsafeSvg(f"the SVG is not well-formed XML ({exc})") from exc
    if root.tag != f"{{{SVG_NS}}}svg":
        raise UnsafeSvg("the file's root element is not an SVG <svg> element")
    for count, element in enumerate(root.iter()):
        if count >= MAX_ELEMENTS:
            raise UnsafeSvg(f"the SVG has more than {MAX_ELEMENTS} elements")
        _check_element(element)


def _check_element(element: ET.Element) -> None:
    tag = _local(element.tag)
    if tag in _FORBIDDEN_ELEMENTS:
        raise UnsafeSvg(f"the SVG contains a <{tag}> element (not allowed in a logo)")
    if tag == "style" and element.text:
        _check_text(element.text, "a <style> element")
    for attribute, value in element.attrib.items():
        name = _local(attribute)
        if name.startswith("on"):
            raise UnsafeSvg(f"the SVG has an event handler ({name}) on <{tag}>")
        if name == "href" and not value.strip().startswith("#"):
            raise UnsafeSvg(f"the SVG links outside itself (<{tag} href>): embed shapes, not references")
        _check_text(value, f"<{tag} {name}>")
