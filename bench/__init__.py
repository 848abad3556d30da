"""`make bench`: measure the portal against goals, with a reference app measured in the same run."""
