"""The official ALTO v3 schema (tests/schemas, vendored unchanged), loaded without the network."""

from __future__ import annotations

from functools import lru_cache
from pathlib import Path

from lxml import etree

SCHEMAS = Path(__file__).parent / "schemas"
XLINK = "http://www.w3.org/1999/xlink"


@lru_cache(maxsize=1)
def alto_schema() -> etree.XMLSchema:
    """ALTO 3.0, its xlink import pointed at the local copy of the Library of Congress's schema."""
    document = etree.parse(str(SCHEMAS / "alto-3-0.xsd"))
    for schema_import in document.getroot().iter("{http://www.w3.org/2001/XMLSchema}import"):
        if schema_import.get("namespace") == XLINK:
            schema_import.set("schemaLocation", (SCHEMAS / "xlink.xsd").as_uri())
    return etree.XMLSchema(document)


def assert_valid_alto(xml: str | bytes) -> etree._Element:
    """Parse ``xml`` and check it against ALTO 3.0; the schema's own messages if it fails."""
    root = etree.fromstring(xml.encode("utf-8") if isinstance(xml, str) else xml)
    schema = alto_schema()
    assert schema.validate(root), "\n".join(str(error) for error in schema.error_log)
    return root
