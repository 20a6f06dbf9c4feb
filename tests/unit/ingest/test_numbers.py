"""Number cells: decimal comma and thousands separators (co2calc.ingest.rows._number)."""

from __future__ import annotations

import pytest
from hypothesis import given
from hypothesis import strategies as st

from co2calc.ingest.rows import _by_patterns, _number


@pytest.mark.parametrize(
    ("cell", "number"),
    [
        ("2", "2"),
        ("1234.5", "1234.5"),
        ("1,5", "1.5"),
        ("12,50", "12.50"),
        ("1,234", "1.234"),  # one comma and digits: a decimal comma, as in Excel fr/de
        ("1'234,50", "1234.50"),
        ("1 234,50", "1234.50"),
        ("1.234,50", "1234.50"),
        ("1,234.50", "1234.50"),
        ("1'234'567", "1234567"),
        ("-3,5", "-3.5"),  # the sign is kept: the model refuses it with its own message
        ("1,2,3", "1,2,3"),  # not a number: left for the model to refuse
        ("abc", "abc"),
    ],
)
def test_cells_as_written_in_spreadsheets(cell: str, number: str) -> None:
    assert _number(cell) == number


@given(st.text(alphabet="0123456789,.'- \u00a0\u0663\u00b2+", max_size=12))
def test_the_shortcut_agrees_with_the_patterns(value: str) -> None:
    # unicode digits (٣) count as digits for both; a superscript (²) for neither
    assert _number(value) == _by_patterns(value)
