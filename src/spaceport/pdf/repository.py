"""Every query of organization images: one of an organization's images by type (logo or
signature), and all of them (what a document's PDF shows)."""

from __future__ import annotations

from spaceport.kit.repository import Repository
from spaceport.pdf.models import OrganizationImage


class ImageRepository(Repository[OrganizationImage]):
    model = OrganizationImage

    def of_type(self, organization_id: str, kind: str) -> OrganizationImage | None:
        return self.first(self.live_in(organization_id).where(OrganizationImage.type == kind))

    def of_organization(self, organization_id: str) -> list[OrganizationImage]:
        return self.all(self.live_in(organization_id))
