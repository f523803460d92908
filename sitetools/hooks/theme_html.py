"""Small fixes to the HTML the theme writes on every page.

- The search dialog gets a name (role="dialog" needs one for screen readers).
- Pygments wraps every name, whitespace, operator and punctuation token in a span of its own.
  Material paints names and whitespace in the plain code colour (or not at all), and operators and
  punctuation in a grey close to it. Dropping these spans leaves operators and punctuation in the
  plain code colour and removes about 40% of a code-heavy page's DOM elements (2,180 to about
  1,250 on the quantization chapter): less style-and-layout work on every load and every restyle
  the theme's script forces.
- The repository link in the header stays a plain link: as a "source" component, Material's script
  would ask the GitHub API for stars and forks, a request to a third-party host on every page.
- The footer carries the licence line (LICENSE at the repository root says the same).
- The light/dark toggle is driven by docs/assets/palette.js, not by Material's palette component,
  which restyles the whole page twice on every load (more in that file).
"""

from __future__ import annotations

import re

from sitetools import strings

_PLAIN_TOKEN = re.compile(r'<span class="(?:n|w|o|p)">([^<]*)</span>')
_SEARCH_DIALOG = 'data-md-component="search" role="dialog"'
_SOURCE = ' class="md-source" data-md-component="source"'
_COPYRIGHT = '<div class="md-copyright">'
PALETTE_FORM = '<form class="md-header__option" data-md-component="palette">'
PALETTE_TOGGLE = '<form class="md-header__option" data-palette-toggle>'  # docs/assets/palette.js


def fix_theme_html(output: str, lang: str) -> str:
    output = _PLAIN_TOKEN.sub(r"\1", output)
    output = output.replace(_SOURCE, ' class="md-source"')
    output = output.replace(PALETTE_FORM, PALETTE_TOGGLE, 1)
    licence = strings.text("licence", lang)
    output = output.replace(
        _COPYRIGHT, f'{_COPYRIGHT}<div class="md-copyright__highlight">{licence}</div>', 1
    )
    label = strings.text("search_label", lang)
    return output.replace(_SEARCH_DIALOG, f'{_SEARCH_DIALOG} aria-label="{label}"', 1)
