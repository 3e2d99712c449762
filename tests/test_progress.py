"""Progress bars: shown on a terminal, silent when standard error is not one, in tests and with --quiet."""

from __future__ import annotations

import io
from pathlib import Path

import pytest

import securitization as sz
from securitization.cli import main
from securitization.progress import enabled, progress, quiet, shown, stages

from .conftest import CASES, COUNTRIES, MEASURES, evidence_rows


class Terminal(io.StringIO):
    """A standard error that says it is a terminal of 100 columns."""

    def isatty(self) -> bool:
        return True


def _on_terminal(monkeypatch: pytest.MonkeyPatch) -> Terminal:
    """Standard error as a terminal, outside the runner's silence.

    Called in the test itself: pytest sets ``PYTEST_CURRENT_TEST`` and its own standard
    error again for every test's call, after the fixtures.
    """
    term = Terminal()
    monkeypatch.setattr("sys.stderr", term)
    monkeypatch.delenv("PYTEST_CURRENT_TEST", raising=False)
    monkeypatch.delenv("SECURITIZATION_QUIET", raising=False)
    monkeypatch.setenv("COLUMNS", "100")
    return term


def test_silent_when_standard_error_is_not_a_terminal(monkeypatch: pytest.MonkeyPatch) -> None:
    pipe = io.StringIO()
    monkeypatch.setattr("sys.stderr", pipe)
    monkeypatch.delenv("PYTEST_CURRENT_TEST", raising=False)
    items = [1, 2, 3]
    assert not enabled()
    assert progress(items, desc="x") is items  # not even wrapped
    with stages("job", ["a", "b"]) as st:
        st.next("a")
    assert pipe.getvalue() == ""


def test_silent_in_tests_even_on_a_terminal(monkeypatch: pytest.MonkeyPatch) -> None:
    _on_terminal(monkeypatch)
    assert enabled()
    monkeypatch.setenv("PYTEST_CURRENT_TEST", "tests/test_progress.py::x (call)")
    assert not enabled()
    monkeypatch.delenv("PYTEST_CURRENT_TEST")
    monkeypatch.setenv("SECURITIZATION_QUIET", "1")
    assert not enabled()


def test_a_bar_on_a_terminal_and_none_inside_quiet(monkeypatch: pytest.MonkeyPatch) -> None:
    terminal = _on_terminal(monkeypatch)
    assert enabled()
    assert list(progress(range(4), desc="counting", unit="thing")) == [0, 1, 2, 3]
    assert "counting" in terminal.getvalue() and "0/4" in terminal.getvalue()
    terminal.seek(0)
    terminal.truncate()
    with quiet():
        assert list(progress(range(4), desc="hushed")) == [0, 1, 2, 3]
    assert terminal.getvalue() == ""


def test_a_bar_shown_when_forced(monkeypatch: pytest.MonkeyPatch) -> None:
    pipe = io.StringIO()
    monkeypatch.setattr("sys.stderr", pipe)
    with shown():
        assert enabled()
        list(progress(range(3), desc="forced"))
        with stages("job", ["read", "score"]) as st:
            st.next("read")
            st.next("score")
        assert st.done == 2
    assert "forced" in pipe.getvalue() and "job" in pipe.getvalue() and "score" in pipe.getvalue()
    assert not enabled()  # back to silence outside the block


def test_the_analysis_shows_its_stages_and_draws_when_forced(monkeypatch: pytest.MonkeyPatch) -> None:
    pipe = io.StringIO()
    monkeypatch.setattr("sys.stderr", pipe)
    data = sz.validate_tables(
        cases=[CASES.copy()], evidence=[evidence_rows()], measures=[MEASURES.copy()], countries=[COUNTRIES.copy()]
    )
    with shown():
        sz.analyse(data, n_draws=20, sensitivity_n=4)
    text = pipe.getvalue()
    for name in ("analysis", "posterior", "joint", "reliability", "sensitivity"):
        assert name in text, name


def _tables(tmp_path: Path) -> Path:
    d = tmp_path / "tables"
    d.mkdir()
    CASES.to_csv(d / "cases.csv", index=False)
    evidence_rows().to_csv(d / "evidence.csv", index=False)
    MEASURES.to_csv(d / "measures.csv", index=False)
    COUNTRIES.to_csv(d / "countries.csv", index=False)
    return d


@pytest.mark.parametrize(
    "args",
    [
        ["score", "{d}", "--draws", "10"],
        ["reliability", "{d}", "--n-boot", "10"],
        ["sensitivity", "{d}", "--n", "4"],
        ["explain", "aa-one-2001", "I-1", "{d}", "--draws", "10"],
        ["validate", "{d}"],
        ["run", "{d}", "--out", "{o}", "--draws", "10", "--sensitivity-n", "0", "--no-reports"],
    ],
    ids=lambda a: a[0],
)
def test_quiet_is_accepted_after_every_long_command_and_silences_it(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch, args: list[str]
) -> None:
    terminal = _on_terminal(monkeypatch)
    d = _tables(tmp_path)
    argv = [a.format(d=d, o=tmp_path / "out") for a in args]
    assert main([*argv, "--quiet"]) == 0
    assert "|" not in terminal.getvalue() and "it/s" not in terminal.getvalue()  # no bar drawn
    terminal.seek(0)
    terminal.truncate()
    assert main(["--quiet", *argv]) == 0  # and before the command
    assert "reading" not in terminal.getvalue()


def test_without_quiet_a_terminal_sees_the_bars(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    terminal = _on_terminal(monkeypatch)
    d = _tables(tmp_path)
    assert main(["validate", str(d)]) == 0
    assert "reading" in terminal.getvalue()
