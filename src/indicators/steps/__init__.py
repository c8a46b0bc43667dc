"""The monthly run's steps: the registry of indicator steps, units of municipalities read once, the run itself."""
