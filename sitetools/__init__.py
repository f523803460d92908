"""The site's own tools: benchmark program, data loaders and renderers, MkDocs hooks, plots.

Installed into the project's virtual environment in editable mode (`make` does it), so every
tool, test and hook imports it as `sitetools` without editing sys.path. Snippets never import
it: they are what readers copy.
"""
