"""bench/bench.py's repeats: the median run of each phase, every wall time kept, the most writes shown."""

import importlib.util
import pathlib

import pytest

BENCH = pathlib.Path(__file__).resolve().parents[2] / "bench" / "bench.py"


@pytest.fixture(scope="module")
def bench():
    spec = importlib.util.spec_from_file_location("fusion_bench", str(BENCH))
    module = importlib.util.module_from_spec(spec)
    spec.loader.exec_module(module)
    return module


def run(wall, writes=0, calls=10):
    return {"wall": wall, "writes": writes, "calls": calls, "reads": calls - writes}


@pytest.mark.parametrize("walls, median", [
    ([9.0], 9.0),
    ([11.3, 7.5, 8.3], 8.3),
    ([4.0, 6.0, 5.0, 7.0], 5.0),   # an even number: the lower of the two middle runs (a run that happened)
], ids=["one", "odd", "even"])
def test_the_row_is_the_run_of_the_median_wall_time(bench, walls, median):
    measured = bench.median_run([run(wall) for wall in walls])
    assert measured["wall"] == median and measured["walls"] == sorted(walls)


def test_a_repeat_that_wrote_shows_in_the_row(bench):
    measured = bench.median_run([run(7.0), run(8.0, writes=2), run(9.0)])
    assert measured["wall"] == 8.0 and measured["writes"] == 2
    assert bench.median_run([run(8.0, writes=2), run(7.0), run(9.0)])["writes"] == 2


@pytest.mark.parametrize("measured, text", [
    ({"wall": 8.34}, "8.3"),
    ({"wall": 8.34, "walls": [8.34]}, "8.3"),
    ({"wall": 8.34, "walls": [7.51, 8.34, 11.27]}, "8.3 (7.5-11.3)"),
], ids=["plain", "one-repeat", "median-and-range"])
def test_the_wall_time_is_shown_with_its_range_when_repeated(bench, measured, text):
    assert bench.wall_text(measured) == text


def test_repeat_must_be_positive(bench):
    with pytest.raises(SystemExit):
        bench.parse_args(["--repeat", "0"])
