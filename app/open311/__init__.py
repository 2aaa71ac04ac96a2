"""Open311 GeoReport v2 under /open311/v2/: the international API for civic issue reports,
mapped onto Hotline's categories, intake and tickets."""
