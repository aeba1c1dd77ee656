"""UN/CEFACT Cross Industry Invoice D16B, Factur-X 1.0 / ZUGFeRD 2 profile EN 16931 (EINV §E1.2),
written from the neutral view (EINV §E3) in the order the Factur-X EN 16931 schema requires."""

from __future__ import annotations

from datetime import date

from lxml import etree

from spaceport.einvoices.model import EInvoice, Line, Party
from spaceport.einvoices.writing import Writer, amount, compact_day, number, serialize

GUIDELINE = "urn:cen.eu:en16931:2017"
NAMESPACES: dict[str | None, str] = {
    "rsm": "urn:un:unece:uncefact:data:standard:CrossIndustryInvoice:100",
    "ram": "urn:un:unece:uncefact:data:standard:ReusableAggregateBusinessInformationEntity:100",
    "qdt": "urn:un:unece:uncefact:data:standard:QualifiedDataType:100",
    "udt": "urn:un:unece:uncefact:data:standard:UnqualifiedDataType:100",
}


class Cii:
    def __init__(self, invoice: EInvoice) -> None:
        self.invoice = invoice
        self.w = Writer(NAMESPACES)

    def day(self, parent: etree._Element, name: str, value: date, kind: str = "udt") -> None:
        """EINV §E3.1: CII date format 102."""
        element = self.w.add(parent, name)
        self.w.add(element, f"{kind}:DateTimeString", compact_day(value), format="102")

    def document(self) -> etree._Element:
        inv, w = self.invoice, self.w
        root = w.root("rsm:CrossIndustryInvoice")
        context = w.add(root, "rsm:ExchangedDocumentContext")
        w.chain(context, "ram:GuidelineSpecifiedDocumentContextParameter/ram:ID", GUIDELINE)
        header = w.add(root, "rsm:ExchangedDocument")
        w.add(header, "ram:ID", inv.number)
        w.add(header, "ram:TypeCode", inv.type_code)
        self.day(header, "ram:IssueDateTime", inv.issued)
        if inv.note:
            w.chain(header, "ram:IncludedNote/ram:Content", inv.note)
        transaction = w.add(root, "rsm:SupplyChainTradeTransaction")
        for line in inv.lines:
            self.line(transaction, line)
        agreement = w.add(transaction, "ram:ApplicableHeaderTradeAgreement")
        w.add(agreement, "ram:BuyerReference", inv.buyer_reference)
        self.party(w.add(agreement, "ram:SellerTradeParty"), inv.seller, seller=True)
        self.party(w.add(agreement, "ram:BuyerTradeParty"), inv.buyer, seller=False)
        delivery = w.add(transaction, "ram:ApplicableHeaderTradeDelivery")
        if inv.deliver_to_country:
            path = "ram:ShipToTradeParty/ram:PostalTradeAddress/ram:CountryID"
            w.chain(delivery, path, inv.deliver_to_country)
        event = w.add(delivery, "ram:ActualDeliverySupplyChainEvent")
        self.day(event, "ram:OccurrenceDateTime", inv.delivered)
        self.settlement(w.add(transaction, "ram:ApplicableHeaderTradeSettlement"))
        return root

    def party(self, element: etree._Element, party: Party, seller: bool) -> None:
        w = self.w
        w.add(element, "ram:Name", party.name)
        if party.company_number:
            w.chain(element, "ram:SpecifiedLegalOrganization/ram:ID", party.company_number)
        phone = party.phone if seller else None
        if phone or party.email:
            contact = w.add(element, "ram:DefinedTradeContact")
            if phone:
                w.chain(contact, "ram:TelephoneUniversalCommunication/ram:CompleteNumber", phone)
            if party.email:
                w.chain(contact, "ram:EmailURIUniversalCommunication/ram:URIID", party.email)
        address = w.add(element, "ram:PostalTradeAddress")
        if party.zip:
            w.add(address, "ram:PostcodeCode", party.zip)
        w.add(address, "ram:LineOne", party.address)
        if party.address2:
            w.add(address, "ram:LineTwo", party.address2)
        w.add(address, "ram:CityName", party.city)
        w.add(address, "ram:CountryID", party.country)
        if party.endpoint is not None:
            uri = w.add(element, "ram:URIUniversalCommunication")
            w.add(uri, "ram:URIID", party.endpoint[1], schemeID=party.endpoint[0])
        if party.vat_id:
            registration = w.add(element, "ram:SpecifiedTaxRegistration")
            w.add(registration, "ram:ID", party.vat_id, schemeID="VA")

    def settlement(self, element: etree._Element) -> None:
        inv, w = self.invoice, self.w
        if inv.payment is not None:
            w.add(element, "ram:PaymentReference", inv.payment.reference)
        if inv.tax_currency:
            w.add(element, "ram:TaxCurrencyCode", inv.tax_currency)
        w.add(element, "ram:InvoiceCurrencyCode", inv.currency)
        if inv.payment is not None:
            means = w.add(element, "ram:SpecifiedTradeSettlementPaymentMeans")
            w.add(means, "ram:TypeCode", inv.payment.means)
            account = w.add(means, "ram:PayeePartyCreditorFinancialAccount")
            w.add(account, "ram:IBANID", inv.payment.iban)
            w.add(account, "ram:AccountName", inv.payment.holder)
            if inv.payment.bic:
                path = "ram:PayeeSpecifiedCreditorFinancialInstitution/ram:BICID"
                w.chain(means, path, inv.payment.bic)
        for entry in inv.breakdown:
            tax = w.add(element, "ram:ApplicableTradeTax")
            w.add(tax, "ram:CalculatedAmount", amount(entry.tax))
            w.add(tax, "ram:TypeCode", "VAT")
            if entry.exemption_text:
                w.add(tax, "ram:ExemptionReason", entry.exemption_text)
            w.add(tax, "ram:BasisAmount", amount(entry.base))
            w.add(tax, "ram:CategoryCode", entry.category)
            if entry.exemption_code:
                w.add(tax, "ram:ExemptionReasonCode", entry.exemption_code)
            w.add(tax, "ram:RateApplicablePercent", number(entry.rate))
        if inv.period is not None:
            period = w.add(element, "ram:BillingSpecifiedPeriod")
            self.day(period, "ram:StartDateTime", inv.period[0])
            self.day(period, "ram:EndDateTime", inv.period[1])
        if inv.due is not None:
            self.day(
                w.add(element, "ram:SpecifiedTradePaymentTerms"), "ram:DueDateDateTime", inv.due
            )
        self.totals(w.add(element, "ram:SpecifiedTradeSettlementHeaderMonetarySummation"))
        for preceding in inv.preceding:
            reference = w.add(element, "ram:InvoiceReferencedDocument")
            w.add(reference, "ram:IssuerAssignedID", preceding.number)
            self.day(reference, "ram:FormattedIssueDateTime", preceding.day, kind="qdt")

    def totals(self, element: etree._Element) -> None:
        inv, w = self.invoice, self.w
        totals = inv.totals
        w.add(element, "ram:LineTotalAmount", amount(totals.lines))
        w.add(element, "ram:TaxBasisTotalAmount", amount(totals.tax_exclusive))
        w.add(element, "ram:TaxTotalAmount", amount(totals.tax), currencyID=inv.currency)
        if inv.tax_currency and inv.tax_in_tax_currency is not None:
            converted = amount(inv.tax_in_tax_currency)
            w.add(element, "ram:TaxTotalAmount", converted, currencyID=inv.tax_currency)
        w.add(element, "ram:GrandTotalAmount", amount(totals.tax_inclusive))
        if totals.paid is not None:
            w.add(element, "ram:TotalPrepaidAmount", amount(totals.paid))
        w.add(element, "ram:DuePayableAmount", amount(totals.due))

    def line(self, transaction: etree._Element, line: Line) -> None:
        w = self.w
        item = w.add(transaction, "ram:IncludedSupplyChainTradeLineItem")
        w.chain(item, "ram:AssociatedDocumentLineDocument/ram:LineID", str(line.position))
        product = w.add(item, "ram:SpecifiedTradeProduct")
        if line.sku:
            w.add(product, "ram:SellerAssignedID", line.sku)
        w.add(product, "ram:Name", line.name)
        if line.description:
            w.add(product, "ram:Description", line.description)
        price = w.chain(item, "ram:SpecifiedLineTradeAgreement/ram:NetPriceProductTradePrice")
        w.add(price, "ram:ChargeAmount", number(line.price))
        w.add(price, "ram:BasisQuantity", "1", unitCode=line.unit)
        delivery = w.add(item, "ram:SpecifiedLineTradeDelivery")
        w.add(delivery, "ram:BilledQuantity", number(line.quantity), unitCode=line.unit)
        settlement = w.add(item, "ram:SpecifiedLineTradeSettlement")
        tax = w.add(settlement, "ram:ApplicableTradeTax")
        w.add(tax, "ram:TypeCode", "VAT")
        w.add(tax, "ram:CategoryCode", line.category)
        w.add(tax, "ram:RateApplicablePercent", number(line.rate))
        if line.allowance is not None:
            allowance = w.add(settlement, "ram:SpecifiedTradeAllowanceCharge")
            w.chain(allowance, "ram:ChargeIndicator/udt:Indicator", "false")
            if line.allowance.percent is not None:
                w.add(allowance, "ram:CalculationPercent", number(line.allowance.percent))
            if line.allowance.base is not None:
                w.add(allowance, "ram:BasisAmount", amount(line.allowance.base))
            w.add(allowance, "ram:ActualAmount", amount(line.allowance.amount))
            w.add(allowance, "ram:ReasonCode", "95")
            w.add(allowance, "ram:Reason", "Discount")
        summation = "ram:SpecifiedTradeSettlementLineMonetarySummation/ram:LineTotalAmount"
        w.chain(settlement, summation, amount(line.total))


def to_xml(invoice: EInvoice) -> bytes:
    return serialize(Cii(invoice).document())
