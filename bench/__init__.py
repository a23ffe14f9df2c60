"""Benchmarks and the data generator behind them (see docs/PERFORMANCE.md)."""
