"""The two-line chart of the workload simulator: accessible, escaped, one point per value; the
dashboard's heatmap: a square per day."""

from __future__ import annotations

import re
import xml.etree.ElementTree as ET
from datetime import date, timedelta

from quizapp.charts import HEAT, _nice_top, heat_level, heatmap, two_line_chart

SVG = "{http://www.w3.org/2000/svg}"


def chart(**extra) -> str:
    return two_line_chart(
        "work",
        "Time <and> cards",
        ["70%", "80%", "90%"],
        ("minutes a day", [3.0, 6.5, 12.0]),
        ("cards remembered", [150.0, 210.0, 260.0]),
        **extra,
    )


def test_it_has_a_title_and_a_description_that_name_it():
    svg = ET.fromstring(chart(description="Rises & falls"))
    assert svg.get("role") == "img" and svg.get("aria-labelledby") == "work-title work-desc"
    assert svg.find(f"{SVG}title").text == "Time <and> cards"
    assert svg.find(f"{SVG}desc").text == "Rises & falls"


def test_each_value_is_a_point_with_its_own_text_and_both_series_have_a_legend():
    svg = chart()
    ET.fromstring(svg)  # well-formed: every piece of text was escaped
    assert len(re.findall(r"<circle ", svg)) == 6
    assert "<title>90%: 12.0 minutes a day</title>" in svg
    assert "<title>80%: 210.0 cards remembered</title>" in svg
    assert ">minutes a day</text>" in svg and ">cards remembered</text>" in svg
    assert 'class="marker"' not in svg


def test_the_marked_point_gets_a_dashed_line():
    assert svg_markers(chart(marked=1)) == 1
    assert svg_markers(chart(marked=7)) == 0  # outside the chart: nothing drawn


def svg_markers(svg: str) -> int:
    return svg.count('class="marker"')


def test_axes_end_on_round_numbers():
    assert [_nice_top(v) for v in (0, 0.3, 7, 12, 260, 1000)] == [1, 0.5, 10, 20, 500, 1000]


def test_the_heatmap_has_a_square_per_day_with_its_count_and_colour():
    # Its layout is kept per end day: two charts of the same year differ only in their counts.
    end = date(2026, 3, 4)  # a Wednesday
    for counts in ({}, {end: 3, date(2026, 3, 1): 40, date(2025, 3, 3): 1, date(2024, 1, 1): 9}):
        svg = ET.fromstring(heatmap("heat", "Reviews <year>", counts, end))
        squares = svg.findall(f"{SVG}rect")
        start = date(2025, 3, 3)  # the Monday 52 weeks before end's week
        assert len(squares) == (end - start).days + 1
        for offset, square in enumerate(squares):
            day = start + timedelta(days=offset)
            count = counts.get(day, 0)
            assert square.find(f"{SVG}title").text == f"{day.isoformat()}: {count} review(s)"
            assert square.get("data-count") == str(count)
            assert square.get("fill") == HEAT[heat_level(count)]
            assert square.get("x") == str(28 + offset // 7 * 13)
            assert square.get("y") == str(16 + offset % 7 * 13)
        shown = sum(n for day, n in counts.items() if day >= start)
        active = sum(1 for day, n in counts.items() if n and day >= start)
        description = f"{shown} reviews on {active} days between 2025-03-03 and 2026-03-04."
        assert svg.find(f"{SVG}desc").text == description
        months = [t.text for t in svg.findall(f"{SVG}text") if t.get("font-size") == "9"]
        assert months[3:] == ["Apr", "May", "Jun", "Jul", "Aug", "Sep", "Oct", "Nov", "Dec",
                              "Jan", "Feb", "Mar"]  # fmt: skip
