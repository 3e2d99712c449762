"""The codebook: loading, validation errors, extension, Markdown."""

from __future__ import annotations

from pathlib import Path

import pytest

from securitization import CodebookError, load_codebook
from securitization.datasets import bundled_codebooks


def test_default_codebook_has_the_five_indicators() -> None:
    cb = load_codebook()
    assert cb.indicator_codes == ("I-1", "I-2", "I-3", "P-1", "P-2")
    assert cb.dimension_codes == ("institutional", "practice")
    assert [i.dimension for i in cb.indicators] == ["institutional"] * 3 + ["practice"] * 2
    assert cb.scale.labels == ("none", "low", "moderate", "high", "very high")
    for ind in cb.indicators:
        assert set(ind.anchors) == {0, 1, 2, 3, 4}
        assert all(len(text) > 20 for text in ind.anchors.values())
        assert ind.definition and ind.kinds
    assert "bourbeau-2011" in bundled_codebooks()
    assert cb.label == "bourbeau-2011 v1.2.0"


@pytest.mark.parametrize(
    ("score", "band"),
    [
        (0.0, "none"),
        (0.49, "none"),
        (0.5, "low"),
        (2.49, "moderate"),
        (2.5, "high"),
        (3.5, "very high"),
        (4.0, "very high"),
    ],
)
def test_bands_are_half_open_intervals_around_levels(score: float, band: str) -> None:
    assert load_codebook().band(score) == band


def test_band_of_missing_is_none() -> None:
    assert load_codebook().band(float("nan")) is None


def test_markdown_lists_every_anchor() -> None:
    cb = load_codebook()
    md = cb.to_markdown()
    for ind in cb.indicators:
        assert f"### {ind.code} {ind.name}" in md
        for text in ind.anchors.values():
            assert text in md
    assert "version 1.2.0" in md


def _write(tmp_path: Path, text: str, name: str = "cb.toml") -> Path:
    p = tmp_path / name
    p.write_text(text, encoding="utf-8")
    return p


def test_extension_adds_an_indicator_without_python(tmp_path: Path) -> None:
    anchors = "\n".join(f'{v} = "level {v} anchor text for deportation"' for v in range(5))
    p = _write(
        tmp_path,
        f"""
[codebook]
extends = "bourbeau-2011"
id = "with-p3"
version = "0.1.0"

[[indicators]]
code = "P-3"
name = "Deportation"
dimension = "practice"
definition = "Removals of non-citizens."
kinds = ["statistics", "operation"]
[indicators.anchors]
{anchors}
""",
    )
    cb = load_codebook(p)
    assert cb.indicator_codes == ("I-1", "I-2", "I-3", "P-1", "P-2", "P-3")
    assert cb.id == "with-p3"
    assert cb.indicator("P-3").dimension == "practice"
    # the base's other tables are kept
    assert cb.scale.max == 4 and cb.indicator("P-2").measures


def test_extension_can_drop_and_replace(tmp_path: Path) -> None:
    p = _write(tmp_path, '[codebook]\nextends = "bourbeau-2011"\nid = "x"\nversion = "1"\ndrop = ["I-3"]\n')
    cb = load_codebook(p)
    assert "I-3" not in cb.indicator_codes


def test_malformed_codebook_names_file_key_and_problem(tmp_path: Path) -> None:
    p = _write(
        tmp_path,
        """
[codebook]
extends = "bourbeau-2011"
id = "bad"
version = "1"

[[indicators]]
code = "P-3"
name = "Deportation"
dimension = "nowhere"
weight = -1
definition = "x"
kinds = ["statistics"]
[indicators.anchors]
0 = "a"
""",
    )
    with pytest.raises(CodebookError) as exc:
        load_codebook(p)
    msg = str(exc.value)
    assert str(p) in msg
    assert "indicators[5] (P-3).weight" in msg
    frame = exc.value.to_frame()
    assert set(frame["file"]) == {str(p)}


def test_cross_reference_problems_are_reported_together(tmp_path: Path) -> None:
    p = _write(
        tmp_path,
        """
[codebook]
extends = "bourbeau-2011"
id = "bad"
version = "1"

[[indicators]]
code = "P-3"
name = "Deportation"
dimension = "nowhere"
definition = "x"
kinds = ["telepathy"]
[indicators.anchors]
0 = "a"
""",
    )
    with pytest.raises(CodebookError) as exc:
        load_codebook(p)
    msg = str(exc.value)
    assert "dimension 'nowhere'" in msg
    assert "telepathy" in msg
    assert "no anchor for levels [1, 2, 3, 4]" in msg


def test_toml_syntax_error_and_missing_file(tmp_path: Path) -> None:
    with pytest.raises(CodebookError, match="valid TOML"):
        load_codebook(_write(tmp_path, "[codebook\nid = 1"))
    with pytest.raises(CodebookError, match="an existing TOML file"):
        load_codebook(tmp_path / "nope.toml")


def test_unknown_bundled_name() -> None:
    with pytest.raises(ValueError, match="bundled codebooks"):
        load_codebook("no-such-codebook")


def test_with_changes_marks_the_version() -> None:
    cb = load_codebook().with_changes(weights={"I-1": 2.0}, aggregation={"overall": "geometric"})
    assert cb.version.endswith("+modified")
    assert cb.indicator("I-1").weight == 2.0
    assert cb.aggregation.overall == "geometric"
    assert cb.sha256 != load_codebook().sha256
