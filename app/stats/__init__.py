"""Statistics: the three rates and their companions, kept as rollups counted from the
event feed, and the reports, rankings, hotspots and exports read from them."""
