"""Pure computation: timelines, uptime measures, the overall indicator (imports model/ only)."""
