"""Every table, imported in one place so that metadata (and Alembic) sees them all."""

from __future__ import annotations


def import_all_models() -> None:
    from spaceport.access import models as access  # noqa: F401
    from spaceport.accounts import models as accounts  # noqa: F401
    from spaceport.defaults import models as defaults  # noqa: F401
    from spaceport.events import models as events  # noqa: F401
    from spaceport.organizations import models as organizations  # noqa: F401
    from spaceport.taxes import models as taxes  # noqa: F401
