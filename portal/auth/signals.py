"""What a flush of the accounts' data announces (portal.core.changes)."""
from portal.auth.models import Unit
from portal.core import changes

unit_changed = changes.signal("unit-changed")

changes.announce(unit_changed, Unit)
