"""The only code that reads input files: YAML and Markdown with positions, every problem located."""

from statusgen.load.cache import LoadCache
from statusgen.load.repository import component_names, load_repository, site_timezone

__all__ = ["LoadCache", "component_names", "load_repository", "site_timezone"]
