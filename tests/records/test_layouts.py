"""Layouts are data: bundled ones validate, a user's file works, a broken one says what is wrong."""

from __future__ import annotations

from pathlib import Path

import pytest

from securitization.records import bundled_layouts, definitions, load_layout, measures_from_records
from securitization.records.layouts import LayoutError

from .conftest import AS_OF, measures_dict, stints_frame


def test_bundled_layouts_validate() -> None:
    assert bundled_layouts() == ("cbp-encounters", "ddp-detention-stints", "ice-detention-stats")
    for name in bundled_layouts():
        lay = load_layout(name)
        assert lay.version and lay.source and lay.measures
        for m in lay.measures:
            assert m.definition in definitions()
    assert "ice_detention_adp" in {m.measure for m in load_layout("ddp-detention-stints").measures}


def test_every_definition_is_documented_and_versioned() -> None:
    for d in definitions().values():
        assert d.version and len(d.description) > 100 and d.summary


def test_a_user_layout_file(tmp_path: Path) -> None:
    """A new source is a new layout file: here the stints with other column names."""
    text = load_layout("ddp-detention-stints").path
    toml = Path(text).read_text(encoding="utf-8")
    toml = toml.replace('id = "ddp-detention-stints"', 'id = "my-stints"').replace(
        'names = ["anonymized_identifier", "unique_identifier"]', 'names = ["person_id"]'
    )
    lay_path = tmp_path / "my-stints.toml"
    lay_path.write_text(toml, encoding="utf-8")
    data = tmp_path / "s.csv"
    stints_frame().rename(columns={"anonymized_identifier": "person_id"}).to_csv(data, index=False)
    res = measures_from_records(data, layout=lay_path, as_of=AS_OF)
    assert res.layout.id == "my-stints"
    assert measures_dict(res.measures)[("ice_detention_book_ins", "FY2019")] == 4.0
    assert "missing person_id" in set(res.quality["reason"])


@pytest.mark.parametrize(
    ("edit", "message"),
    [
        (
            lambda t: t.replace('definition = "stints.adp"', 'definition = "stints.nope"'),
            "unknown definition 'stints.nope'",
        ),
        (lambda t: t.replace('kind = "stints"', 'kind = "stintz"'), "kind"),
        (lambda t: t.replace('statistic = "adp"', 'statistic = "mean"'), "statistic 'mean' is not one of"),
        (lambda t: t.replace("convicted = [", "convict = ["), "values.criminality takes the keys"),
        (lambda t: t.replace("[columns]", "[columns\n"), "valid TOML"),
        (lambda t: t.replace('indicator = "P-2"', 'indicator = "detention"', 1), "indicator"),
    ],
)
def test_a_broken_layout_says_what_is_wrong(tmp_path: Path, edit, message: str) -> None:  # type: ignore[no-untyped-def]
    toml = Path(load_layout("ddp-detention-stints").path).read_text(encoding="utf-8")
    path = tmp_path / "bad.toml"
    path.write_text(edit(toml), encoding="utf-8")
    with pytest.raises(LayoutError) as err:
        load_layout(path)
    assert message in str(err.value) and "bad.toml" in str(err.value)


def test_layout_str_lists_columns_and_measures() -> None:
    text = str(load_layout("cbp-encounters"))
    assert "Fiscal Year|fiscal_year" in text and "cbp_title42_expulsions" in text


def test_missing_layout_file() -> None:
    from securitization.errors import ParameterError

    with pytest.raises(ParameterError, match="does not exist"):
        load_layout("nowhere/layout.toml")
