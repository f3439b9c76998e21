"""The huey instance every app's tasks.py registers with (settings.HUEY picks SQLite or Redis)."""

from huey.contrib.djhuey import HUEY as huey

__all__ = ["huey"]
