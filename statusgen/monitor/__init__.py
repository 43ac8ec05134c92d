"""Observations from monitors to status-log transitions and draft incidents."""
