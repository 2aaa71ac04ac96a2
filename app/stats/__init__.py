"""Statistics: the three rates and their companions, kept as daily rollups beside the
event log, and the reports, rankings, hotspots and exports read from them."""
