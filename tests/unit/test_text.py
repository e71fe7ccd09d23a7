"""Text written to AWS: header-safe ASCII within AppConfig's lengths, SNS-safe characters."""

from __future__ import annotations

import pytest
from flag_rollback.text import (
    MAX_DESCRIPTION,
    MAX_VERSION_LABEL,
    ascii_line,
    cut,
    header_text,
    version_label,
    xml_text,
)
from hypothesis import given, settings
from hypothesis import strategies as st

# Any character at all, lone surrogates and control characters often.
ANY_CHARACTER = st.characters(exclude_categories=[]) | st.characters(categories=["Cs", "Cc"])


def test_accents_are_dropped_and_other_characters_become_question_marks():
    assert ascii_line("café ☕") == "cafe ?"
    assert ascii_line("Zürich\n\tdown  again") == "Zurich down again"


@pytest.mark.parametrize(
    ("limit", "length", "kept"),
    [(MAX_DESCRIPTION, MAX_DESCRIPTION, True), (MAX_DESCRIPTION, MAX_DESCRIPTION + 1, False)],
)
def test_description_boundary(limit: int, length: int, kept: bool):
    text = header_text("d" * length, limit)
    assert len(text) == min(length, limit)
    assert (text == "d" * length) is kept
    assert kept or text.endswith("...")


def test_version_label_at_64_is_kept_and_at_65_is_cut():
    assert version_label("l" * MAX_VERSION_LABEL) == "l" * MAX_VERSION_LABEL
    label = version_label("l" * (MAX_VERSION_LABEL + 1))
    assert len(label) == MAX_VERSION_LABEL
    assert label.endswith("...")


def test_a_label_of_digits_only_gets_a_letter():
    assert version_label("12345") == "v12345"
    assert version_label("9" * 64) == "v" + "9" * 60 + "..."
    assert version_label("") == "v"


def test_cut_never_exceeds_the_limit_even_below_the_marker():
    assert cut("abcdef", 2) == ".."
    assert cut("abc", 3) == "abc"


@settings(max_examples=300, deadline=None)
@given(text=st.text(ANY_CHARACTER), limit=st.integers(min_value=1, max_value=MAX_DESCRIPTION))
def test_header_text_is_always_printable_ascii_within_the_limit(text: str, limit: int):
    value = header_text(text, limit)
    assert len(value) <= limit
    assert all(0x20 <= ord(char) < 0x7F for char in value)


@settings(max_examples=300, deadline=None)
@given(text=st.text(ANY_CHARACTER))
def test_version_label_always_matches_appconfig_rules(text: str):
    label = version_label(text)
    assert 1 <= len(label) <= MAX_VERSION_LABEL
    assert label.isascii()
    assert any(not char.isdigit() for char in label)


@settings(max_examples=300, deadline=None)
@given(text=st.text(ANY_CHARACTER))
def test_xml_text_always_encodes_as_utf8_without_refused_characters(text: str):
    cleaned = xml_text(text)
    cleaned.encode("utf-8")
    assert all(char in "\t\n\r" or ord(char) >= 0x20 for char in cleaned)


def test_only_printable_ascii_is_kept_as_it_is():
    """Space to tilde pass through (a space inside the text); DEL and other controls are
    not printable."""
    printable = "".join(chr(code) for code in range(0x21, 0x7F))
    assert ascii_line(f"{printable} {printable}") == f"{printable} {printable}"
    assert ascii_line("rm\x7f -rf\x00 now") == "rm? -rf? now"


def test_characters_sns_refuses_become_the_replacement_character():
    assert xml_text("a\x00b\x1fc\ufffe\uffffd\ud800") == "a\ufffdb\ufffdc\ufffd\ufffdd\ufffd"
    assert xml_text("tab\tline\nbreak\r, café ☕ 𝄞") == "tab\tline\nbreak\r, café ☕ 𝄞"
