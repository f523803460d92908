"""MkDocs hooks of the site (mkdocs.yml: ``hooks:``). Each event calls the modules of
``sitetools/hooks/``, one job each, in order; the modules say what they do and why.

Pages never hold hand-made copies of data: they carry a placeholder such as
``<!-- render:glossary -->`` that is replaced, at build time, in the page's language.
"""

from __future__ import annotations

from mkdocs.plugins import event_priority

from sitetools import records, site_data
from sitetools.hooks import (
    block_notes,
    error_page,
    head_links,
    notebook_link,
    notebook_pages,
    placeholders,
    repository,
    search_index,
    tables,
    theme_html,
    tooltips,
)
from sitetools.hooks.pages import is_notebook, page_language


def on_config(config):
    # `make serve` rebuilds in the same process: forget data files read by the previous build
    for module in (site_data, records):
        for value in vars(module).values():
            if callable(getattr(value, "cache_clear", None)):
                value.cache_clear()
    tooltips.register_longer_words()
    repository.configure(config)
    return config


@event_priority(-150)  # after mkdocs-static-i18n's on_files (-100), which rebuilds every File
def on_files(files, config):
    return notebook_pages.mark_notebooks(files, config)


def on_pre_page(page, config, files):
    repository.point_notebook_edit_link(page, config, files)
    return page


def on_page_context(context, page, config, nav):
    if is_notebook(page):
        notebook_pages.link_twin_notebook(page, config)
    return context


def on_page_markdown(markdown: str, page, config, files) -> str:
    lang = page_language(page)
    if not is_notebook(page):
        markdown = notebook_link.add_notebook_link(markdown, page, lang, files, config.repo_url)
    markdown = placeholders.render_placeholders(markdown, page, lang)
    return block_notes.add_block_notes(markdown, lang)


def on_page_content(content: str, page, config, files) -> str:
    if is_notebook(page):
        notebook_pages.exclude_from_search(page)
    content = tables.wrap_tables(content)
    if page.file.src_uri.startswith("glossary."):
        return content  # the glossary page itself shows the definitions
    return tooltips.add_tooltips(content, page_language(page))


def on_post_page(output: str, page, config) -> str:
    lang = page_language(page)
    output = head_links.absolute_alternates(output, page.url, config)
    output = theme_html.fix_theme_html(output, lang)
    output = search_index.point_search_at_language(output, lang)
    if is_notebook(page):
        output = notebook_pages.clean_notebook_page(output, page)
    return output


def on_post_template(output: str, template_name: str, config) -> str:
    if template_name != error_page.PAGE:
        return output
    lang = error_page.language(config)
    output = error_page.fix_language_links(output, config)
    output = theme_html.fix_theme_html(output, lang)
    output = search_index.point_search_at_language(output, lang)
    return error_page.keep_per_language(output, lang)


@event_priority(-150)  # after mkdocs-static-i18n's on_post_build (-100) has built every language
def on_post_build(config) -> None:
    error_page.write_other_languages(config)
    head_links.write_page_sitemaps(config)
    search_index.split_search_index(config)
