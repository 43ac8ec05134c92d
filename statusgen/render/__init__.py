"""Renderers: AudienceView → {site-relative path: bytes}. They never read input nor write to disk."""
