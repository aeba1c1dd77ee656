"""UBL 2.1 per Peppol BIS Billing 3.0 (EINV §E1.2): `Invoice`, or `CreditNote` for a credit
note, written from the neutral view (EINV §E3) in the order the UBL 2.1 schema requires."""

from __future__ import annotations

from decimal import Decimal

from lxml import etree

from spaceport.einvoices.model import EInvoice, Line, Party
from spaceport.einvoices.writing import Writer, amount, day, number, serialize

CUSTOMIZATION = "urn:cen.eu:en16931:2017#compliant#urn:fdc:peppol.eu:2017:poacc:billing:3.0"
PROFILE = "urn:fdc:peppol.eu:2017:poacc:billing:01:1.0"
CAC = "urn:oasis:names:specification:ubl:schema:xsd:CommonAggregateComponents-2"
CBC = "urn:oasis:names:specification:ubl:schema:xsd:CommonBasicComponents-2"
ROOTS = {
    False: ("Invoice", "urn:oasis:names:specification:ubl:schema:xsd:Invoice-2"),
    True: ("CreditNote", "urn:oasis:names:specification:ubl:schema:xsd:CreditNote-2"),
}


class Ubl:
    def __init__(self, invoice: EInvoice) -> None:
        self.invoice = invoice
        self.kind, namespace = ROOTS[invoice.credit_note]
        self.w = Writer({None: namespace, "cac": CAC, "cbc": CBC})

    def money(self, parent: etree._Element, name: str, value: Decimal) -> etree._Element:
        return self.w.add(parent, name, amount(value), currencyID=self.invoice.currency)

    def document(self) -> etree._Element:
        inv, w = self.invoice, self.w
        root = w.root(self.kind)
        w.add(root, "cbc:CustomizationID", CUSTOMIZATION)
        w.add(root, "cbc:ProfileID", PROFILE)
        w.add(root, "cbc:ID", inv.number)
        w.add(root, "cbc:IssueDate", day(inv.issued))
        if inv.due is not None and not inv.credit_note:
            w.add(root, "cbc:DueDate", day(inv.due))
        w.add(root, f"cbc:{self.kind}TypeCode", inv.type_code)
        if inv.note:
            w.add(root, "cbc:Note", inv.note)
        w.add(root, "cbc:DocumentCurrencyCode", inv.currency)
        if inv.tax_currency:
            w.add(root, "cbc:TaxCurrencyCode", inv.tax_currency)
        w.add(root, "cbc:BuyerReference", inv.buyer_reference)
        if inv.period is not None:
            period = w.add(root, "cac:InvoicePeriod")
            w.add(period, "cbc:StartDate", day(inv.period[0]))
            w.add(period, "cbc:EndDate", day(inv.period[1]))
        for preceding in inv.preceding:
            reference = w.chain(root, "cac:BillingReference/cac:InvoiceDocumentReference")
            w.add(reference, "cbc:ID", preceding.number)
            w.add(reference, "cbc:IssueDate", day(preceding.day))
        self.party(w.add(root, "cac:AccountingSupplierParty"), inv.seller, seller=True)
        self.party(w.add(root, "cac:AccountingCustomerParty"), inv.buyer, seller=False)
        self.delivery(root)
        self.payment(root)
        self.taxes(root)
        self.totals(root)
        for line in inv.lines:
            self.line(root, line)
        return root

    def party(self, parent: etree._Element, party: Party, seller: bool) -> None:
        w = self.w
        element = w.add(parent, "cac:Party")
        if party.endpoint is not None:
            w.add(element, "cbc:EndpointID", party.endpoint[1], schemeID=party.endpoint[0])
        address = w.add(element, "cac:PostalAddress")
        w.add(address, "cbc:StreetName", party.address)
        if party.address2:
            w.add(address, "cbc:AdditionalStreetName", party.address2)
        w.add(address, "cbc:CityName", party.city)
        if party.zip:
            w.add(address, "cbc:PostalZone", party.zip)
        w.chain(address, "cac:Country/cbc:IdentificationCode", party.country)
        if party.vat_id:
            scheme = w.add(element, "cac:PartyTaxScheme")
            w.add(scheme, "cbc:CompanyID", party.vat_id)
            w.chain(scheme, "cac:TaxScheme/cbc:ID", "VAT")
        legal = w.add(element, "cac:PartyLegalEntity")
        w.add(legal, "cbc:RegistrationName", party.name)
        if party.company_number:
            w.add(legal, "cbc:CompanyID", party.company_number)
        phone = party.phone if seller else None
        if phone or party.email:
            contact = w.add(element, "cac:Contact")
            if phone:
                w.add(contact, "cbc:Telephone", phone)
            if party.email:
                w.add(contact, "cbc:ElectronicMail", party.email)

    def delivery(self, root: etree._Element) -> None:
        inv, w = self.invoice, self.w
        delivery = w.add(root, "cac:Delivery")
        w.add(delivery, "cbc:ActualDeliveryDate", day(inv.delivered))
        if inv.deliver_to_country:
            path = "cac:DeliveryLocation/cac:Address/cac:Country/cbc:IdentificationCode"
            w.chain(delivery, path, inv.deliver_to_country)

    def payment(self, root: etree._Element) -> None:
        payment, w = self.invoice.payment, self.w
        if payment is None:
            return
        means = w.add(root, "cac:PaymentMeans")
        w.add(means, "cbc:PaymentMeansCode", payment.means)
        w.add(means, "cbc:PaymentID", payment.reference)
        account = w.add(means, "cac:PayeeFinancialAccount")
        w.add(account, "cbc:ID", payment.iban)
        w.add(account, "cbc:Name", payment.holder)
        if payment.bic:
            w.chain(account, "cac:FinancialInstitutionBranch/cbc:ID", payment.bic)

    def taxes(self, root: etree._Element) -> None:
        inv, w = self.invoice, self.w
        total = w.add(root, "cac:TaxTotal")
        self.money(total, "cbc:TaxAmount", inv.totals.tax)
        for entry in inv.breakdown:
            subtotal = w.add(total, "cac:TaxSubtotal")
            self.money(subtotal, "cbc:TaxableAmount", entry.base)
            self.money(subtotal, "cbc:TaxAmount", entry.tax)
            category = w.add(subtotal, "cac:TaxCategory")
            w.add(category, "cbc:ID", entry.category)
            w.add(category, "cbc:Percent", number(entry.rate))
            if entry.exemption_code:
                w.add(category, "cbc:TaxExemptionReasonCode", entry.exemption_code)
            if entry.exemption_text:
                w.add(category, "cbc:TaxExemptionReason", entry.exemption_text)
            w.chain(category, "cac:TaxScheme/cbc:ID", "VAT")
        if inv.tax_currency and inv.tax_in_tax_currency is not None:
            converted = w.add(root, "cac:TaxTotal")
            value = amount(inv.tax_in_tax_currency)
            w.add(converted, "cbc:TaxAmount", value, currencyID=inv.tax_currency)

    def totals(self, root: etree._Element) -> None:
        totals, w = self.invoice.totals, self.w
        element = w.add(root, "cac:LegalMonetaryTotal")
        self.money(element, "cbc:LineExtensionAmount", totals.lines)
        self.money(element, "cbc:TaxExclusiveAmount", totals.tax_exclusive)
        self.money(element, "cbc:TaxInclusiveAmount", totals.tax_inclusive)
        if totals.paid is not None:
            self.money(element, "cbc:PrepaidAmount", totals.paid)
        self.money(element, "cbc:PayableAmount", totals.due)

    def line(self, root: etree._Element, line: Line) -> None:
        w = self.w
        element = w.add(root, f"cac:{self.kind}Line")
        w.add(element, "cbc:ID", str(line.position))
        quantity = "cbc:CreditedQuantity" if self.invoice.credit_note else "cbc:InvoicedQuantity"
        w.add(element, quantity, number(line.quantity), unitCode=line.unit)
        self.money(element, "cbc:LineExtensionAmount", line.total)
        if line.allowance is not None:
            allowance = w.add(element, "cac:AllowanceCharge")
            w.add(allowance, "cbc:ChargeIndicator", "false")
            w.add(allowance, "cbc:AllowanceChargeReasonCode", "95")
            w.add(allowance, "cbc:AllowanceChargeReason", "Discount")
            if line.allowance.percent is not None:
                w.add(allowance, "cbc:MultiplierFactorNumeric", number(line.allowance.percent))
            self.money(allowance, "cbc:Amount", line.allowance.amount)
            if line.allowance.base is not None:
                self.money(allowance, "cbc:BaseAmount", line.allowance.base)
        item = w.add(element, "cac:Item")
        if line.description:
            w.add(item, "cbc:Description", line.description)
        w.add(item, "cbc:Name", line.name)
        if line.sku:
            w.chain(item, "cac:SellersItemIdentification/cbc:ID", line.sku)
        category = w.add(item, "cac:ClassifiedTaxCategory")
        w.add(category, "cbc:ID", line.category)
        w.add(category, "cbc:Percent", number(line.rate))
        w.chain(category, "cac:TaxScheme/cbc:ID", "VAT")
        price = w.add(element, "cac:Price")
        currency = self.invoice.currency
        w.add(price, "cbc:PriceAmount", number(line.price), currencyID=currency)
        w.add(price, "cbc:BaseQuantity", "1", unitCode=line.unit)


def to_xml(invoice: EInvoice) -> bytes:
    return serialize(Ubl(invoice).document())
