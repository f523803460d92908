"""The site's MkDocs hooks, one module per job. ``sitetools/mkdocs_hooks.py`` (the ``hooks:``
entry of mkdocs.yml) calls them for each MkDocs event, in order:

- ``pages``: what a hook needs to know about a page (its language, whether it is a notebook).
- ``repository``: the repository URL (REPO_URL or the git remote) for edit and source links.
- ``placeholders``: ``<!-- render:NAME args -->`` replaced with data, in the page's language.
- ``block_notes``: the test markers above code blocks made visible; output blocks labelled.
- ``notebook_link``: the link from a chapter to its notebook.
- ``tooltips``: the first use of each glossary term gets its definition as a tooltip.
- ``tables``: Markdown tables wrapped the way Material's script would, at build time.
- ``notebook_pages``: mkdocs-jupyter's pages made to behave like the other pages.
- ``theme_html``: small accessibility and weight fixes to the theme's HTML.
- ``head_links``: absolute hreflang alternates; the per-page sitemaps the language selector reads.
- ``search_index``: one search index per language.
- ``error_page``: the 404 page's language selector.
"""
