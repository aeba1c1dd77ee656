"""Units (COMPAT §7.6, COMPAT §1.10, COMPAT §5.1, COMPAT §8.1)."""

from spaceport.units.service import units

router = units.router()
