"""Benchmarks of the Hotline service, run as `python -m bench <benchmark>`."""
