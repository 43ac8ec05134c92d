"""statusgen: status pages for several audiences from one git repository of YAML and Markdown."""

__version__ = "0.1.0"
