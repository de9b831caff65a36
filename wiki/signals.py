"""What the core tells the apps above it."""

from django.dispatch import Signal

# A tracked object was created, edited or restored through `wiki.changes` (one object at a
# time: bulk writes such as imports send nothing). Sent inside the write's transaction, after its
# revision, so what a receiver writes commits or rolls back with the change.
# Arguments: sender (the model), obj, before (its saved state before the change; None for a new
# object), user, action (Revision.Action).
changed = Signal()
