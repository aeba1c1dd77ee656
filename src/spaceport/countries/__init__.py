"""Countries, their taxes, languages, time zones and currencies (reference "Countries" and
"Currencies"; COMPAT §7.1). The data comes from pycountry (ISO 3166), Babel (CLDR) and the
dated VAT table in `data/vat_rates.json`; see `catalog` for the lookups."""
