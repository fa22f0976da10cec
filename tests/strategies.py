"""Hypothesis strategies shared by the property tests."""

from __future__ import annotations

from hypothesis import strategies as st

# Text as scrapers hand it over: any script, control characters, NULs, odd whitespace.
messy_text = st.text(
    alphabet=st.characters(codec="utf-8", exclude_categories=("Cs",)), max_size=400
)
word = st.sampled_from(
    [
        "russia",
        "korea",
        "talks",
        "minister",
        "said",
        "the",
        "on",
        "weapons",
        "lavrov",
        "kim",
        "putin",
        "visit",
        "ships",
        "port",
        "report",
    ]
)
article_lines = st.lists(
    st.lists(word, min_size=0, max_size=30).map(" ".join), min_size=0, max_size=20
).map("\n".join)
