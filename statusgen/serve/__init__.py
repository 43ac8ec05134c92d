"""The live-reloading preview server."""
