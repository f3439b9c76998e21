"""``python -m shisaku.sampledata``: see :mod:`shisaku.sampledata.cli`."""

from shisaku.sampledata.cli import main

raise SystemExit(main())
