"""What the test markers above a code block mean, made visible to the reader.

- ``<!-- pytest-codeblocks:cont -->``: a note that the block continues the one before.
- ``<!-- pytest.mark.skip(reason="...") -->``: a note that the block is not run here, and why.
- ``<!-- pytest-codeblocks:expected-output -->``: the ``text`` block under it is what the code above
  prints: it gets a label ("输出" / "Output"), the ``output`` class that site.css styles apart from
  code, and ``no-copy``, which keeps Material's copy button off it.
"""

from __future__ import annotations

import html
import re

from sitetools import strings

CONTINUES = re.compile(r"^<!--\s*pytest-codeblocks:cont\s*-->\s*$", re.M)
SKIP = re.compile(r'^<!--\s*pytest\.mark\.skip\(reason="([^"]+)"\)\s*-->\s*$', re.M)
OUTPUT = re.compile(
    r"^(?P<marker><!--\s*pytest-codeblocks:expected-output\s*-->[ \t]*\n(?:[ \t]*\n)*)"
    r"(?P<fence>```+|~~~+)text[ \t]*$",
    re.M,
)


def _note(text: str) -> str:
    return f'<p class="block-note">{text}</p>'


def add_block_notes(markdown: str, lang: str) -> str:
    markdown = CONTINUES.sub(
        lambda m: f"{m.group(0)}\n{_note(strings.text('block_continues', lang))}\n", markdown
    )
    markdown = SKIP.sub(
        lambda m: (
            f"{m.group(0)}\n"
            f"{_note(strings.text('block_skipped', lang, reason=html.escape(m.group(1))))}\n"
        ),
        markdown,
    )
    label = strings.text("output_label", lang)
    return OUTPUT.sub(
        lambda m: f'{m["marker"]}{m["fence"]} {{ .text .output .no-copy title="{label}" }}',
        markdown,
    )
