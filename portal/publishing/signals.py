"""What a flush of the publications announces (portal.core.changes): search subscribes to index
what is published; publishing's own cache subscribes too."""
from portal.core import changes
from portal.publishing.models import Publication, PublicationSlug

publication_changing = changes.signal("publication-changing")
publication_changed = changes.signal("publication-changed")
slug_changed = changes.signal("publication-slug-changed")

changes.announce(publication_changing, Publication, when="before")
changes.announce(publication_changed, Publication)
changes.announce(slug_changed, PublicationSlug)
