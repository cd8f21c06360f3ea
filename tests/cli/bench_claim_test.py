#!/usr/bin/python3
"""bench/results.py's claim outcome on synthetic compare rows (issue 28):
a claim holds only when the measured interval lies inside what the claim's
rounding allows; otherwise it is smaller or larger than claimed, or not
decided. Run by tests/cli/test_bench_claim.sh (python3 -m unittest)."""
import importlib.util
import os
import unittest

TOP = os.path.abspath(os.path.join(os.path.dirname(__file__), "..", ".."))
spec = importlib.util.spec_from_file_location("results", os.path.join(TOP, "bench", "results.py"))
results = importlib.util.module_from_spec(spec)
spec.loader.exec_module(results)

CLAIM = (55 - 58) / 58 * 100    # the case study's claim: 58 ms -> 55 ms


def row(shift, lo, hi, verdict, base=100.0, bound="-", runs="4"):
    """A compare row as bench/case-deferred.sh prints it, shift and
    interval in ms over a base median of BASE ms (so ms are percent)."""
    return {"median base": f"{base:g}", "shift [95% interval]": f"{shift:g} [{lo:g}, {hi:g}]",
            "verdict": verdict, "bound": bound, "runs": runs}


def verdict(r, floor=0.0):
    return results.case_verdict(r, CLAIM, "5", floor)


class ClaimRange(unittest.TestCase):
    def test_whole_milliseconds(self):
        lo, hi = results.claim_range(58, 55)
        self.assertAlmostEqual(lo, (54.5 / 58.5 - 1) * 100)
        self.assertAlmostEqual(hi, (55.5 / 57.5 - 1) * 100)
        self.assertEqual(results.pct(lo), "-6.84%")
        self.assertEqual(results.pct(hi), "-3.48%")


class ClaimOutcome(unittest.TestCase):
    R = results.claim_range(58, 55)

    def out(self, lo, hi):
        return results.claim_outcome(lo, hi, *self.R)

    def test_inside_holds(self):
        self.assertEqual(self.out(-5.02, -5.00), "held")
        self.assertEqual(self.out(-6.8, -3.5), "held")

    def test_nearer_zero_is_smaller(self):
        self.assertEqual(self.out(-0.4, -0.2), "smaller than claimed")
        self.assertEqual(self.out(-3.4, -1.0), "smaller than claimed")
        self.assertEqual(self.out(1.0, 2.0), "smaller than claimed")

    def test_further_is_larger(self):
        self.assertEqual(self.out(-10.0, -8.0), "larger than claimed")

    def test_overlapping_and_beyond_is_not_decided(self):
        self.assertEqual(self.out(-5.55, -3.10), "not decided")
        self.assertEqual(self.out(-8.0, -5.0), "not decided")
        self.assertEqual(self.out(-24.6, 19.1), "not decided")
        self.assertEqual(self.out(-8.0, -1.0), "not decided")

    def test_bounds_in_either_order(self):
        self.assertEqual(self.out(-0.2, -0.4), "smaller than claimed")

    def test_a_claimed_slow_down(self):
        # 55 ms -> 58 ms: the range is above zero; nearer zero is still smaller.
        lo, hi = results.claim_range(55, 58)
        self.assertEqual(results.claim_outcome(4.0, 5.0, lo, hi), "held")
        self.assertEqual(results.claim_outcome(0.5, 1.0, lo, hi), "smaller than claimed")
        self.assertEqual(results.claim_outcome(9.0, 10.0, lo, hi), "larger than claimed")


class CaseVerdict(unittest.TestCase):
    def test_planted_small_faster_row_does_not_hold(self):
        # Faster, but by -0.30%: the claim of -5.17% does not hold.
        v = verdict(row(-0.30, -0.40, -0.20, "faster"))
        self.assertNotIn("holds", v)
        self.assertTrue(v.startswith("faster, -0.30% [-0.40%, -0.20%]: smaller than claimed;"), v)
        self.assertIn("(-6.84% to -3.48%)", v)

    def test_claimed_size_holds(self):
        v = verdict(row(-5.01, -5.02, -5.00, "faster"))
        self.assertTrue(v.startswith("faster, -5.01% [-5.02%, -5.00%]: the claim holds;"), v)

    def test_larger_than_claimed(self):
        v = verdict(row(-9.0, -10.0, -8.0, "faster"))
        self.assertNotIn("holds", v)
        self.assertIn(": larger than claimed;", v)

    def test_faster_but_not_decided(self):
        v = verdict(row(-4.89, -5.55, -3.10, "faster"))
        self.assertNotIn("holds", v)
        self.assertIn(": not decided against the claim;", v)

    def test_no_change_that_excludes_the_claim(self):
        v = verdict(row(0.1, -1.0, 1.0, "no detectable change", bound="+-1%"))
        self.assertTrue(v.startswith("no detectable change, +0.10% [-1.00%, +1.00%]: smaller than claimed;"), v)

    def test_no_change_too_wide_is_not_decided(self):
        v = verdict(row(0.3, -12.0, 11.0, "no detectable change", bound="+-12%", runs="10"))
        self.assertTrue(v.startswith("not decided (+0.30% [-12.0%, +11.0%]): the interval still allows +-12%"), v)
        self.assertIn("10 runs per variant would find a shift of 5%", v)

    def test_slower_is_the_other_way(self):
        v = verdict(row(1.5, 1.0, 2.0, "slower"))
        self.assertIn("smaller than claimed (a change the other way)", v)

    def test_too_few_runs(self):
        v = verdict(row(-5.0, -20.0, 10.0, "too few runs"))
        self.assertTrue(v.endswith("too few runs for a verdict"), v)

    def test_interval_in_ms_over_the_base(self):
        # The committed -icount row of node 0: 333.427 ms base.
        v = verdict(row(-16.713, -16.75, -16.684, "faster", base=333.427))
        self.assertIn("the claim holds", v)


class WithTheControlsFloor(unittest.TestCase):
    """The interval widened by the control arm's floor (issue 28, item 4)."""

    def test_far_beyond_the_floor_holds(self):
        # -5.01% [-5.02%, -5.00%] with a floor of 0.16%: [-5.18%, -4.84%]
        v = verdict(row(-5.01, -5.02, -5.00, "faster"), 0.16)
        self.assertTrue(v.startswith("faster, -5.01% [-5.02%, -5.00%], with the control's floor of 0.16% "
                                     "[-5.18%, -4.84%]: the claim holds;"), v)

    def test_faster_inside_the_floor_is_not_faster(self):
        # the control arm's own +0.16% came out "significant": a change
        # that small is the loop's noise, not faster
        v = verdict(row(-0.10, -0.15, -0.05, "faster"), 0.16)
        self.assertTrue(v.startswith("not decided, -0.10% [-0.15%, -0.050%], with the control's floor"), v)
        self.assertIn(": smaller than claimed;", v)
        self.assertNotIn("holds", v)

    def test_a_floor_can_undecide_the_claim(self):
        # inside the claim's range raw, across its edge once widened
        v = verdict(row(-4.0, -4.2, -3.8, "faster"), 0.5)
        self.assertIn("not decided against the claim", v)

    def test_wide_and_undecided(self):
        v = verdict(row(0.3, -12.0, 11.0, "no detectable change", bound="+-12%", runs="10"), 2.0)
        self.assertTrue(v.startswith("not decided (+0.30% [-12.0%, +11.0%], with the control's floor of 2.00%"), v)
        self.assertIn("the interval still allows +-14.0%", v)


if __name__ == "__main__":
    unittest.main()
