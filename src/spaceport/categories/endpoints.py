"""Categories (COMPAT §7.6, §1.10, §5, §8.1)."""

from spaceport.categories.service import categories

router = categories.router()
