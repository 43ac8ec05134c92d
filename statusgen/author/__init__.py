"""Commands that write the repository's own files: incidents, the scaffold, schemas."""
