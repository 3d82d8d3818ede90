"""Bank Markdown's fast path for plain paragraphs gives exactly what the full renderer gives."""

from __future__ import annotations

import string

from hypothesis import example, given, settings
from hypothesis import strategies as st

from quizapp.markdown import (
    _PLAIN_PARAGRAPH,
    plain_paragraphs,
    render_bank_markdown,
    render_markdown,
)

# Plain characters and, beside them, every character Markdown or HTML could read as syntax,
# line breaks and spaces where they would matter: the fast path must take the first kind only
# and give the full renderer's HTML for it.
PLAIN = string.ascii_letters[:6] + string.digits[:3] + " ,.;:?'\"()%/$=+-"
ALPHABET = (
    string.ascii_letters[:6]
    + string.digits[:3]
    + " ,.;:?'\"()%/$=+-"
    + "*_`[]!<>&\\~|#\n\t é\u00a0"
)


@settings(max_examples=1500, deadline=None)
@given(st.text(alphabet=ALPHABET, max_size=40))
@example("It grew from eight to over 20\n\nEight were cleared on August 31.")
@example('In which year did Huawei launch its "All Cloud" strategy?')
@example("Smartphones and electric vehicles.")
@example("a  b")
@example("a - b")
@example("a\n\n\nb")
@example("a\n\n")
@example("Setext\n===")
@example("x:y (see 1.) 50% $3 a=b+c")
def test_plain_paragraphs_render_as_markdown_does(text):
    fast = plain_paragraphs(text)
    if fast is not None:
        assert fast == render_markdown(text)
    assert render_bank_markdown(text) == render_markdown(text)


# Mostly plain paragraphs, so that many take the fast path, and a few lines that nearly do.
PARAGRAPHS = st.lists(
    st.from_regex(_PLAIN_PARAGRAPH, fullmatch=True) | st.text(alphabet=ALPHABET, max_size=5),
    min_size=1,
    max_size=3,
).map("\n\n".join)


@settings(max_examples=1500, deadline=None)
@given(PARAGRAPHS)
def test_mostly_plain_paragraphs_render_as_markdown_does(text):
    fast = plain_paragraphs(text)
    assert (fast if fast is not None else render_bank_markdown(text)) == render_markdown(text)


def test_card_faces_take_the_fast_path_and_markup_does_not():
    assert plain_paragraphs("Joe Biden\n\nPresident Joe Biden signed the order.") == (
        "<p>Joe Biden</p>\n<p>President Joe Biden signed the order.</p>\n"
    )
    for text in ["**Doubao**", "1. one", "- item", "# Title", "a <b>", "a & b", "a\nb", " a", "é"]:
        assert plain_paragraphs(text) is None, text


def test_bank_html_is_keyed_by_the_text_itself():
    # An edited card face is new text, so its HTML is rendered anew, never the old one reused.
    assert "Mercury orbits closest" in render_bank_markdown("Mercury orbits closest")
    edited = render_bank_markdown("Mercury is the *nearest* planet")
    assert edited == "<p>Mercury is the <em>nearest</em> planet</p>\n"
