"""The graph as a user edits it, the record files hold, and its compilation to an engine Program."""
