"""Graph files: the published schema, migrations between versions, reading and atomic saving. No Qt."""
