"""GET /metrics: what each worker counted (observability/metrics.py) and what the database
says at the scrape (readings.py)."""
