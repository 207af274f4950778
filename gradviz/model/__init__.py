"""The graph as a user edits it (networkx), its checks, and its compilation to an engine Program."""
