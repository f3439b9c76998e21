"""Insights: the ecosystem in numbers, read from aggregates the worker builds (docs/INSIGHTS.md).

The top floor: reads every app below it, writes nothing but its own aggregate tables.
"""
