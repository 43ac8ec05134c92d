"""``statusgen notify``: tell each audience's channels what its view shows and they were not yet told."""
