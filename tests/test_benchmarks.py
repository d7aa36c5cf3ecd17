"""The benchmark harness, run end to end on tiny shapes (no timing asserts)."""

from pathlib import Path

import pytest

from benchmarks import fresh, memory
from benchmarks.report import Table
from benchmarks.settings import TINY
from benchmarks.suite import Results, run_all
from benchmarks.timing import paired_ratio, time_alternating


def test_time_alternating_runs_in_turns() -> None:
    calls: list[str] = []
    timings = time_alternating(
        {"a": lambda: calls.append("a"), "b": lambda: calls.append("b")}, repeats=2
    )
    assert calls == ["a", "b", "a", "b", "a", "b"]
    assert [len(values) for values in timings.values()] == [2, 2]


def test_table_markdown_layout() -> None:
    table = Table("Title", "One sentence.", ["A", "B"], [["1", "2"]])
    expected = "## Title\n\nOne sentence.\n\n| A | B |\n|---|---|\n| 1 | 2 |\n"
    assert table.markdown() == expected


def test_memory_case_reports_input_size() -> None:
    figures = memory.measure("predict", TINY, rows=1024)
    assert figures["input_mib"] == pytest.approx(1024 * 5 * 4 / 2**20)
    assert figures["peak_mib"] >= figures["baseline_mib"] > 0


@pytest.fixture(scope="module")
def tiny_page(tmp_path_factory: pytest.TempPathFactory) -> tuple[str, Path]:
    output = tmp_path_factory.mktemp("bench") / "benchmarks.md"
    page = run_all(TINY, output, "pytest tiny run", log=lambda text: None)
    return page, output


def test_run_all_writes_page(tiny_page: tuple[str, Path]) -> None:
    page, output = tiny_page
    assert output.read_text(encoding="utf-8") == page


@pytest.mark.parametrize(
    "heading",
    [
        "## Targets",
        "## MLP epoch",
        "## Exercise network step",
        "## Digits conv network epoch",
        "## MLP peak memory",
        "## MLP epoch in a fresh process",
        "## Epoch time against data size",
        "## Predict peak memory",
        "## Profile of a microframe MLP epoch",
        "## Machine",
    ],
)
def test_run_all_page_has_section(tiny_page: tuple[str, Path], heading: str) -> None:
    assert heading in tiny_page[0]


@pytest.mark.parametrize(
    "row_start",
    [
        "| microframe |",
        "| NumPy, hand-written |",
        "| GEMM floor |",
        "| microframe, Sequential.fit |",
        "| microframe, explicit calls |",
    ],
)
def test_run_all_page_has_contender(
    tiny_page: tuple[str, Path], row_start: str
) -> None:
    assert row_start in tiny_page[0]


def test_run_all_page_names_command(tiny_page: tuple[str, Path]) -> None:
    assert "`pytest tiny run` (settings: **tiny**)" in tiny_page[0]


def test_fresh_process_case_reports_time_and_faults() -> None:
    figures = fresh.measure("mlp-floor", TINY)
    assert figures is not None
    assert figures["seconds"] > 0
    assert figures["faults_per_batch"] >= 0


def test_fresh_process_rejects_unknown_case() -> None:
    with pytest.raises(ValueError, match="unknown case"):
        fresh.run_case("mlp-nothing", TINY)


def test_paired_ratio_is_median_of_round_ratios() -> None:
    assert paired_ratio([2.0, 9.0, 3.0], [1.0, 3.0, 1.0]) == 3.0


def test_results_ratio_pairs_runs_when_present() -> None:
    results = Results()
    results.values.update({"a": 5.0, "b": 2.0, "memory x": 4.0, "memory y": 2.0})
    results.runs.update({"a": [2.0, 8.0, 5.0], "b": [1.0, 2.0, 2.0]})
    assert results.ratio("a", "b") == 2.5
    assert results.ratio("memory x", "memory y") == 2.0
    assert results.ratio("a", "missing") is None
