"""Defaults (reference "Defaults"; COMPAT §7.2, COMPAT §1.10 relation routes)."""

from spaceport.defaults.service import defaults

router = defaults.router()
