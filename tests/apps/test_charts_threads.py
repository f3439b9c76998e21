"""Charts drawn at once by several threads of one server each get their own settings and never
fail: the CI's live-server run answered 500 for an insights chart because another thread's
``warnings.catch_warnings`` restored "error" filters half-way through its drawing."""

from __future__ import annotations

import threading
import warnings

from shisaku.engines.costing.plot import cost_curve_svg
from shisaku.insights import charts


def test_charts_drawn_concurrently_are_all_whole() -> None:
    results: dict[str, str] = {}
    failures: list[BaseException] = []

    def draw(i: int) -> None:
        try:
            if i % 2:
                svg = charts.bar(f"기업 수 {i}", ["사출 성형", "절삭 가공"], [i, 5]).decode()
            else:
                svg = cost_curve_svg({"射出成形": [(10, 5.0), (1000, 1.0)]}, title=f"単価 {i}")
            results[str(i)] = svg
        except BaseException as exc:
            failures.append(exc)

    threads = [threading.Thread(target=draw, args=(i,)) for i in range(12)]
    with warnings.catch_warnings():
        warnings.simplefilter("error")  # every warning an error, whatever the suite's settings
        for t in threads:
            t.start()
        for t in threads:
            t.join(60)
    assert failures == []
    assert len(results) == 12
    for key, svg in results.items():
        title = f"기업 수 {key}" if int(key) % 2 else f"単価 {key}"
        assert title in svg, key  # text kept as text (svg.fonttype none) in every chart
