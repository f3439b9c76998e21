"""Benchmarks behind `shisaku bench …`: each reports its baseline in the same run."""
