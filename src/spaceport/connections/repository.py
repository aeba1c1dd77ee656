"""Every query of connections (FLOWS §F2)."""

from __future__ import annotations

from spaceport.connections.models import Connection
from spaceport.kit.repository import Repository


class ConnectionRepository(Repository[Connection]):
    model = Connection

    def live_of_type(
        self, organization_id: str, connection_id: str, kind: str
    ) -> Connection | None:
        """FLOWS §F3.3: the organization's live connection of this type, or None."""
        found = self.get_in(organization_id, connection_id)
        return found if found is not None and found.type == kind else None
