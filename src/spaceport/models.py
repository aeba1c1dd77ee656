"""Every table, imported in one place so that metadata (and Alembic) sees them all."""

from __future__ import annotations


def import_all_models() -> None:
    from spaceport.access import models as access  # noqa: F401
    from spaceport.accounts import models as accounts  # noqa: F401
    from spaceport.categories import models as categories  # noqa: F401
    from spaceport.clients import models as clients  # noqa: F401
    from spaceport.companies import models as companies  # noqa: F401
    from spaceport.connections import models as connections  # noqa: F401
    from spaceport.defaults import models as defaults  # noqa: F401
    from spaceport.documents import models as documents  # noqa: F401
    from spaceport.documents.payments import models as payments  # noqa: F401
    from spaceport.events import models as events  # noqa: F401
    from spaceport.fiscal import models as fiscal  # noqa: F401
    from spaceport.flows import models as flows  # noqa: F401
    from spaceport.items import models as items  # noqa: F401
    from spaceport.jobs import models as jobs  # noqa: F401
    from spaceport.kit import idempotency  # noqa: F401
    from spaceport.orders import models as orders  # noqa: F401
    from spaceport.organizations import models as organizations  # noqa: F401
    from spaceport.pdf import models as pdf  # noqa: F401
    from spaceport.pricing import models as pricing  # noqa: F401
    from spaceport.recurrences import models as recurrences  # noqa: F401
    from spaceport.taxes import models as taxes  # noqa: F401
    from spaceport.units import models as units  # noqa: F401
    from spaceport.webhooks import models as webhooks  # noqa: F401
