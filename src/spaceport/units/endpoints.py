"""Units (COMPAT §7.6, §1.10, §5, §8.1)."""

from spaceport.units.service import units

router = units.router()
