"""Each type says how each part of a response did, for the marks beside options, rows,
positions and blanks; what reveals the key is flagged so a review policy can hold it back."""

from __future__ import annotations

from quizapp import qtypes


def review(kind: str, data: dict, response, presentation=None):
    marks = qtypes.get(kind).review(data, presentation or {}, response)
    return {key: (part.state, part.answer) for key, part in marks.items()}


def test_choices_mark_picks_and_the_right_ones_left_out():
    data = {"choices": ["2", "3", "4", "5"], "answers": ["2", "4"]}
    assert review("multiple", data, ["2", "3"]) == {
        "2": ("right", None),
        "3": ("wrong", None),
        "4": ("missed", None),
    }
    single = {"choices": ["Paris", "Lyon"], "answer": "Paris"}
    assert review("single", single, "Lyon") == {"Lyon": ("wrong", None), "Paris": ("answer", None)}
    assert review("single", single, None) == {"Paris": ("answer", None)}


def test_true_false_marks_the_choice_and_the_answer():
    assert review("true_false", {"answer": True}, False) == {
        "false": ("wrong", None),
        "true": ("answer", None),
    }
    assert review("true_false", {"answer": True}, True) == {"true": ("right", None)}


def test_rows_positions_and_blanks_say_what_belongs_where_they_are_wrong():
    pairs = {"pairs": [["France", "Paris"], ["Italy", "Rome"]]}
    shown = {"lefts": ["Italy", "France"], "options": ["Paris", "Rome"]}
    assert review("matching", pairs, {"Italy": "Rome", "France": "Rome"}, shown) == {
        "match-0": ("right", None),
        "match-1": ("wrong", "Paris"),
    }
    order = {"items": ["one", "two", "three"]}
    assert review("ordering", order, ["one", "three", "two"]) == {
        "order-0": ("right", None),
        "order-1": ("wrong", "two"),
        "order-2": ("wrong", "three"),
    }
    cloze = {"text": "The sky is [[blue|azure]] and grass is [[green]]."}
    assert review("cloze", cloze, ["Azure", "red"]) == {
        "blank-0": ("right", None),
        "blank-1": ("wrong", "green"),
    }


def test_a_typed_answer_is_one_part_and_reveals_nothing_of_the_key():
    marks = qtypes.get("short").review({"answers": ["Shakespeare"]}, {}, "Marlowe")
    assert {k: p.state for k, p in marks.items()} == {"answer": "wrong"}
    assert not marks["answer"].reveals_key
    assert qtypes.get("short").review({"answers": ["Shakespeare"]}, {}, None) == {}


def test_what_reveals_the_key_is_flagged():
    data = {"choices": ["2", "3", "4", "5"], "answers": ["2", "4"]}
    marks = qtypes.get("multiple").review(data, {}, ["2", "3"])
    assert {k for k, p in marks.items() if p.reveals_key} == {"4"}
