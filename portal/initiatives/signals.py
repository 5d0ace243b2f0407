"""What a flush of the initiatives' data announces (portal.core.changes): other areas subscribe
by name (search indexes, publishing keeps its articles and caches in step)."""
from portal.core import changes
from portal.initiatives.models import Attachment, Field, Initiative, InitiativeAuthor

# Before the flush: a subscriber may still change other objects of it (an article's copied facts).
initiative_changing = changes.signal("initiative-changing")
# After the flush: the rows have ids; a subscriber may write rows of its own.
initiative_changed = changes.signal("initiative-changed")
author_changed = changes.signal("initiative-author-changed")
attachment_changed = changes.signal("attachment-changed")
field_changed = changes.signal("field-changed")

changes.announce(initiative_changing, Initiative, when="before")
changes.announce(initiative_changed, Initiative)
changes.announce(author_changed, InitiativeAuthor)
changes.announce(attachment_changed, Attachment)
changes.announce(field_changed, Field)
