"""The only code that reads input files: YAML and Markdown with positions, every problem located."""

from statusgen.load.cache import LoadCache
from statusgen.load.repository import load_repository, site_timezone

__all__ = ["LoadCache", "load_repository", "site_timezone"]
