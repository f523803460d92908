"""The chapters' snippets (snippets/<area>/<name>.py): import them as modules, and read or
expand the pages' include lines."""

from __future__ import annotations

import importlib.util
import re
import sys
from pathlib import Path
from types import ModuleType

from sitetools.paths import ROOT, SNIPPETS

# A pymdownx.snippets include line: --8<-- "path" or --8<-- "path:section"
INCLUDE = re.compile(
    r"""^(?P<indent>[ \t]*)-{1,}8<-{1,}[ \t]+["'](?P<path>[^"':]+)"""
    r"""(?::(?P<section>[^"']*))?["'][ \t]*$""",
    re.M,
)

_loaded: dict[str, ModuleType] = {}


def load(name: str) -> ModuleType:
    """Import snippets/<name>.py once (its `if __name__ == "__main__"` part does not run)."""
    if name not in _loaded:
        path = SNIPPETS / f"{name}.py"
        if not path.is_file():
            raise FileNotFoundError(f"snippets/{name}.py does not exist")
        spec = importlib.util.spec_from_file_location(f"snippet_{name.replace('/', '_')}", path)
        module = importlib.util.module_from_spec(spec)
        sys.modules[spec.name] = module
        spec.loader.exec_module(module)
        _loaded[name] = module
    return _loaded[name]


def snippets_config(root: Path = ROOT) -> dict:
    """mkdocs.yml's pymdownx.snippets settings, with its base paths under root (the repository or
    a copy of it)."""
    import yaml

    config = yaml.load((ROOT / "mkdocs.yml").read_text(encoding="utf-8"), Loader=yaml.BaseLoader)
    for ext in config["markdown_extensions"]:
        if isinstance(ext, dict) and "pymdownx.snippets" in ext:
            settings = ext["pymdownx.snippets"]
            return {
                "base_path": [str(root / p) for p in settings["base_path"]],
                "check_paths": True,
            }
    raise ValueError("mkdocs.yml has no pymdownx.snippets settings")


def expand_includes(text: str, root: Path = ROOT) -> str:
    """Markdown with every --8<-- include (whole file or :section) expanded, exactly as the site's
    build expands it."""
    import markdown

    md = markdown.Markdown(
        extensions=["pymdownx.snippets"],
        extension_configs={"pymdownx.snippets": snippets_config(root)},
    )
    return "\n".join(md.preprocessors["snippet"].run(text.split("\n")))
