"""Countries, their taxes, languages, time zones and currencies (reference "Countries" and
"Currencies"; COMPAT §7.1): pure lookups, no database.

Where the data comes from:
- countries, their codes and English names: pycountry (ISO 3166-1), plus Kosovo (XK), which
  the reference lists and ISO does not;
- native names, translations, official languages, currencies, symbols and time zones: Babel's
  CLDR data;
- taxes: `data/vat_rates.json`, a dated table of VAT/GST rates (its `_source` and `_format`
  notes say where the rates come from and how a rate change is represented).

The modules: `vat` (VAT series), `names` (names and locales), `matching` (free text to a
country), `zones` (time zones), `currencies`, and `catalog`, the country list in the
reference's shape. Everything is computed once and cached (`functools.cache`); what depends on
the date is cached per day (`days`).
"""
