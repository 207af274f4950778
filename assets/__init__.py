"""gradviz's own data files: the published graph schema, the example graphs and the icon.

They stay at the top of the repository, where authors of graphs and lessons find them, and ship inside
the wheel as the package ``gradviz.assets`` (pyproject.toml maps it), read with ``importlib.resources``.
"""
