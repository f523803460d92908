"""Import the chapters' snippets (snippets/<area>/<name>.py) as modules, and the page include syntax."""

from __future__ import annotations

import importlib.util
import re
import sys
from types import ModuleType

from sitetools.paths import SNIPPETS

# A pymdownx.snippets include line: --8<-- "path" or --8<-- "path:section"
INCLUDE = re.compile(
    r"""^(?P<indent>[ \t]*)-{1,}8<-{1,}[ \t]+["'](?P<path>[^"':]+)(?::(?P<section>[^"']*))?["'][ \t]*$""",
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
