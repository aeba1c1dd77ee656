"""Logo and signature images (reference "Upload Logo or Signature image"):
PNG, JPEG, SVG and WebP up to 2 MB, recognized by their bytes, never by a declared type."""

from __future__ import annotations

import hashlib
from typing import Any, cast
from xml.etree import ElementTree

from sqlalchemy.orm import Session

from spaceport.defaults import service as defaults
from spaceport.kit.errors import invalid
from spaceport.pdf import render
from spaceport.pdf.models import IMAGE_TYPES, OrganizationImage
from spaceport.pdf.repository import ImageRepository

MAX_BYTES = 2 * 1024 * 1024
SVG_TAGS = frozenset({"svg", "{http://www.w3.org/2000/svg}svg"})


def sniff(content: bytes) -> str | None:
    """The content type from the magic numbers; SVG by an `<svg` root element."""
    if content.startswith(b"\x89PNG\r\n\x1a\n"):
        return "image/png"
    if content.startswith(b"\xff\xd8\xff"):
        return "image/jpeg"
    if content[:4] == b"RIFF" and content[8:12] == b"WEBP":
        return "image/webp"
    return "image/svg+xml" if is_svg(content) else None


def is_svg(content: bytes) -> bool:
    """The start parsed as XML: the first element must be an `<svg>` root."""
    parser: ElementTree.XMLPullParser[ElementTree.Element] = ElementTree.XMLPullParser(
        events=("start",)
    )
    try:
        for offset in range(0, min(len(content), 64 * 1024), 1024):
            parser.feed(content[offset : offset + 1024])
            for event in parser.read_events():
                element = cast(tuple[str, Any], event)[1]  # ("start", element)
                return isinstance(element, ElementTree.Element) and element.tag in SVG_TAGS
    except ElementTree.ParseError:
        return False
    return False


def image_type(value: str | None) -> str:
    if value not in IMAGE_TYPES:
        raise invalid("type", "must be logo or signature")
    return value


def find(session: Session, organization_id: str, kind: str) -> OrganizationImage | None:
    return ImageRepository(session).of_type(organization_id, kind)


def of_organization(session: Session, organization_id: str) -> list[OrganizationImage]:
    return ImageRepository(session).of_organization(organization_id)


def save(session: Session, organization_id: str, kind: str, content: bytes) -> None:
    if len(content) > MAX_BYTES:
        raise invalid("file", "An image may be at most 2 MB")
    content_type = sniff(content)
    if content_type is None:
        raise invalid("file", "Only PNG, JPEG, SVG and WebP images are accepted")
    checksum = hashlib.sha256(content).hexdigest()
    if not render.decodable(render.Image(checksum, content_type, content)):
        raise invalid("file", "The image can't be decoded")
    image = find(session, organization_id, kind)
    if image is None:
        image = OrganizationImage(organization_id=organization_id, type=kind)
        session.add(image)
    image.content_type = content_type
    image.content = content
    image.sha256 = checksum
    session.flush()
    # The reference: "check an organization's _defaults object for ... image_logo".
    defaults.put(session, organization_id, f"image_{kind}", True)


def remove(session: Session, organization_id: str, kind: str) -> None:
    image = find(session, organization_id, kind)
    if image is not None:
        session.delete(image)
        session.flush()
    defaults.put(session, organization_id, f"image_{kind}", False)
