"""The two-line chart of the workload simulator: accessible, escaped, one point per value."""

from __future__ import annotations

import re
import xml.etree.ElementTree as ET

from quizapp.charts import _nice_top, two_line_chart

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
