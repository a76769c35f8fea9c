"""Tests of bench.py's no-regression check (standard library only; `make test` runs them).

    python3 -m unittest discover -s bench -p 'test_bench.py'
"""
import unittest

import bench

DOC = """# Benchmarks

## Case: pipeline

- Date: 2026-12-03 07:58 UTC
- Data: 1,000,000 users (`bench/data/users-1000000`), seed 42

| tool | median wall s | min–max s | peak RSS MiB | ratio (tool / sluice) | in-process s | in-process ratio |
|---|---:|---:|---:|---:|---:|---:|
| sluice | 1.807 | 1.739–2.196 | 661 | 1.00× | 1.807 | 1.00× |
| polars | 4.781 | 4.600–4.900 | 1285 | 2.65× | 4.000 | 2.21× |
| gx | error | | | | | |

## Case: pipeline (5,000,000 users)

- Date: 2026-12-03 09:00 UTC
- Data: 5,000,000 users (`bench/data/users-5000000`), seed 42

| tool | median wall s | min–max s | peak RSS MiB | ratio (tool / sluice) | in-process s | in-process ratio |
|---|---:|---:|---:|---:|---:|---:|
| sluice | 9.000 | 8.800–9.100 | 2000 | 1.00× | 9.000 | 1.00× |

## Case: notes-only

Nothing measured here.
"""


def row(tool, median, low, high):
    return {"tool": tool, "median_s": median, "min_s": low, "max_s": high}


class PreviousFigures(unittest.TestCase):
    def test_reads_every_tool_row_per_case_and_size(self):
        figures = bench.previous_figures(DOC)
        self.assertEqual(figures[("pipeline", 1_000_000, "sluice")]["median_s"], 1.807)
        self.assertEqual(figures[("pipeline", 1_000_000, "sluice")]["max_s"], 2.196)
        self.assertEqual(figures[("pipeline", 1_000_000, "polars")]["min_s"], 4.6)
        self.assertEqual(figures[("pipeline", 5_000_000, "sluice")]["median_s"], 9.0)
        self.assertEqual(figures[("pipeline", 5_000_000, "sluice")]["date"], "2026-12-03 09:00 UTC")
        self.assertNotIn(("pipeline", 1_000_000, "gx"), figures)   # an error row has no figure
        self.assertEqual(len(figures), 3)

    def test_section_titles_name_sizes_other_than_the_default(self):
        self.assertEqual(bench.section_title("pipeline", 1_000_000), "pipeline")
        self.assertEqual(bench.section_title("pipeline", 5_000_000), "pipeline (5,000,000 users)")


class CompareWithPrevious(unittest.TestCase):
    previous = bench.previous_figures(DOC)

    def verdict(self, new_row, users=1_000_000):
        [v] = bench.compare_with_previous(self.previous, "pipeline", users, [new_row])
        return v["verdict"]

    def test_slower_beyond_the_spread_is_a_regression(self):
        # previous spread 0.457 s; new spread 0.1 s: 1.807 + 0.457 = 2.264 is the limit
        self.assertEqual(self.verdict(row("sluice", 2.30, 2.25, 2.35)), "slower")
        self.assertEqual(self.verdict(row("sluice", 2.20, 2.15, 2.25)), "same")

    def test_a_noisy_new_run_widens_the_spread(self):
        self.assertEqual(self.verdict(row("sluice", 2.30, 1.70, 2.90)), "same")

    def test_faster_beyond_the_spread(self):
        self.assertEqual(self.verdict(row("sluice", 1.20, 1.15, 1.25)), "faster")
        self.assertEqual(self.verdict(row("sluice", 8.0, 7.9, 8.1), users=5_000_000), "faster")

    def test_sizes_are_not_mixed_and_unknown_tools_are_new(self):
        self.assertEqual(self.verdict(row("polars", 30.0, 29.0, 31.0), users=5_000_000), "new")
        self.assertEqual(self.verdict(row("duckdb", 5.0, 4.9, 5.1)), "new")

    def test_errors_are_skipped_and_regressions_marked_in_lines(self):
        verdicts = bench.compare_with_previous(self.previous, "pipeline", 1_000_000,
                                               [{"tool": "gx", "error": True}, row("sluice", 3.0, 2.9, 3.1)])
        self.assertEqual([v["tool"] for v in verdicts], ["sluice"])
        [line] = bench.comparison_lines(verdicts)
        self.assertIn("SLOWER THAN BEFORE", line)
        self.assertIn("1.807 s (2026-12-03 07:58 UTC) → 3.000 s", line)


if __name__ == "__main__":
    unittest.main()


class PeakMemory(unittest.TestCase):
    def test_a_small_command_is_not_charged_with_this_process_s_peak(self):
        # This process touches 400 MiB; a command run after it must report its own peak
        # (a vforked child's ru_maxrss would start at this process's).
        ballast = bytearray(400 * 1024 * 1024)
        ballast[::4096] = b"1" * len(ballast[::4096])
        seconds, rss_kib, status, _, _ = bench.run_once(["true"])
        self.assertEqual(status, 0)
        self.assertLess(rss_kib, 100 * 1024)
        del ballast
