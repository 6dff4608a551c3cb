"""Benchmarks of govindex (not part of the test suite): ``python -m benchmarks``."""
