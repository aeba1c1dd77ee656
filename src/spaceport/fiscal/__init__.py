"""Fiscal verification of invoices in Slovenia (FURS): FISCAL.md, COMPAT §6.13, COMPAT §7.2."""
