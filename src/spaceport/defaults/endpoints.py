"""Defaults (reference "Defaults"; COMPAT §7.2, §1.10 relation routes)."""

from spaceport.defaults.service import defaults

router = defaults.router()
