"""The only code that reads input files: YAML and Markdown with positions, every problem located.

The names below are imported when first used (PEP 562), so that importing one light module of the
package (``feedsecrets``, for a build that may find nothing to do) does not import the loader, the
models and pydantic.
"""

from __future__ import annotations

from importlib import import_module
from typing import TYPE_CHECKING, Any

if TYPE_CHECKING:
    from statusgen.load.cache import LoadCache
    from statusgen.load.repository import component_names, load_repository, site_timezone

__all__ = ["LoadCache", "component_names", "load_repository", "site_timezone"]

_MODULES = {
    "LoadCache": "cache",
    "component_names": "repository",
    "load_repository": "repository",
    "site_timezone": "repository",
}


def __getattr__(name: str) -> Any:
    """The public ``name``, from the module that defines it."""
    if name not in _MODULES:
        raise AttributeError(f"module {__name__!r} has no attribute {name!r}")
    return getattr(import_module(f"{__name__}.{_MODULES[name]}"), name)
