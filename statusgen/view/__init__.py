"""The audience view: the one place that decides what an audience sees, under its names."""
