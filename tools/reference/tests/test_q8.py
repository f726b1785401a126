"""Hand cases for the q8 format (docs/model.md §6.3): ties, extremes and clamping, zero groups, subnormal
scales, storage layout; and an exact-rational cross-check on random groups."""
import sys
import unittest
from fractions import Fraction
from pathlib import Path

import numpy as np

sys.path.insert(0, str(Path(__file__).resolve().parents[1]))
from vr2ref.q8 import quantize  # noqa: E402


def row(values):
    w = np.zeros((1, 32), dtype=np.float32)
    w[0, : len(values)] = values
    return w


def exact_reference(w_row):
    """Independent reference with Python Fractions (exact rationals) for one group."""
    vals = [float(v) for v in w_row]
    m = max(vals, key=abs)  # max() returns the first maximal element: the tie rule
    d = float(np.float16(m / -128.0))  # m / -128 is exact in f64; one rounding to f16
    out = []
    for v in vals:
        if d == 0:
            out.append(0)
            continue
        r = Fraction(v) / Fraction(d)
        fl = r.numerator // r.denominator
        frac = r - fl
        q = fl + (1 if frac > Fraction(1, 2) or (frac == Fraction(1, 2) and fl % 2 == 1) else 0)
        out.append(max(-128, min(127, q)))
    return out, d


class Q8Test(unittest.TestCase):
    def test_positive_extreme_maps_to_minus_128(self):
        t = quantize(row([1.0, 0.5, -0.25]))
        self.assertEqual(float(t.scales[0, 0]), -1 / 128)
        self.assertEqual(t.q[0, :3].tolist(), [-128, -64, 32])

    def test_tie_on_abs_max_picks_first_and_the_opposite_clamps_to_127(self):
        t = quantize(row([1.0, -1.0]))
        self.assertEqual(t.q[0, :2].tolist(), [-128, 127])
        t = quantize(row([-1.0, 1.0]))
        self.assertEqual(float(t.scales[0, 0]), 1 / 128)
        self.assertEqual(t.q[0, :2].tolist(), [-128, 127])

    def test_half_way_values_round_to_even(self):
        # m = 128 -> d = -1: w / d = -0.5 -> 0, -1.5 -> -2, -2.5 -> -2, 3.5 -> 4, -127.5 -> 128 -> 127
        t = quantize(row([128.0, 0.5, 1.5, 2.5, -3.5, -0.5, -127.5, 126.5]))
        self.assertEqual(float(t.scales[0, 0]), -1.0)
        self.assertEqual(t.q[0, :8].tolist(), [-128, 0, -2, -2, 4, 0, 127, -126])

    def test_zero_group_and_storage_layout(self):
        t = quantize(np.zeros((2, 64), dtype=np.float32))
        self.assertTrue((t.scales == 0).all() and (t.q == 0).all() and (t.packed_qweight() == 0).all())
        t = quantize(row([-2.0, 1.0, -1.0, 0.5]))
        # d = 2/128: codes -128, 64, -64, 32 -> bytes 0x80, 0x40, 0xc0, 0x20, element 0 in the low byte
        self.assertEqual(int(t.packed_qweight()[0, 0]), 0x20C04080)
        self.assertEqual(int(t.packed_scales()[0]), int(np.float16(2 / 128).view(np.uint16)))

    def test_subnormal_and_underflowing_scales(self):
        t = quantize(row([320 * 2.0 ** -24, 1.0 * 2.0 ** -24]))  # m/128 = 2.5 * 2^-24 ties to 2 * 2^-24
        self.assertEqual(float(t.scales[0, 0]), -2 * 2.0 ** -24)
        self.assertEqual(t.q[0, 0], -128)  # 320 / 2 = 160 clamps
        t = quantize(row([2.0 ** -19, -(2.0 ** -20)]))  # m/128 = 2^-26 -> 0: all codes 0
        self.assertEqual(float(t.scales[0, 0]), 0.0)
        self.assertTrue((t.q == 0).all())

    def test_scale_overflow_and_non_finite_are_errors(self):
        with self.assertRaises(ValueError):
            quantize(row([1e7]))
        with self.assertRaises(ValueError):
            quantize(row([np.nan]))

    def test_random_groups_match_exact_rationals(self):
        rng = np.random.default_rng(5)
        w = (rng.standard_normal((8, 64)) * 10.0 ** rng.uniform(-4, 2, (8, 1))).astype(np.float32)
        t = quantize(w)
        for r in range(8):
            for g in range(2):
                codes, d = exact_reference(w[r, 32 * g: 32 * g + 32])
                self.assertEqual(float(t.scales[r, g]), d)
                self.assertEqual(t.q[r, 32 * g: 32 * g + 32].tolist(), codes)


if __name__ == "__main__":
    unittest.main()
