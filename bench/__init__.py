"""Benchmarks for modelgw. Each area has its own folder, make target and recorded results."""
