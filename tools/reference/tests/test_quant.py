"""Hand cases for the q4 (ARCHITECTURE.md §4) and q8 (docs/model.md §6.3) formats of vr2ref/quant.py: ties,
extremes and clamping, zero groups, subnormal and overflowing scales, storage layout; and an exact-rational
cross-check on random groups."""
import sys
import unittest
from fractions import Fraction
from pathlib import Path

import numpy as np

sys.path.insert(0, str(Path(__file__).resolve().parents[1]))
from vr2ref.quant import BITS, quantize, quantize_dequantize  # noqa: E402


def quantize4(w):
    return quantize(w, "q4")


def quantize8(w):
    return quantize(w, "q8")


def row(values):
    w = np.zeros((1, 32), dtype=np.float32)
    w[0, : len(values)] = values
    return w


def exact_reference(fmt, w_row):
    """Independent reference with Python Fractions (exact rationals) for one group."""
    half = 1 << (BITS[fmt] - 1)
    vals = [float(v) for v in w_row]
    m = max(vals, key=abs)  # max() returns the first maximal element: the tie rule
    d = float(np.float16(m / -float(half)))  # exact in f64; one rounding to f16
    out = []
    for v in vals:
        if d == 0:
            out.append(0)
            continue
        r = Fraction(v) / Fraction(d)
        fl = r.numerator // r.denominator
        frac = r - fl
        q = fl + (1 if frac > Fraction(1, 2) or (frac == Fraction(1, 2) and fl % 2 == 1) else 0)
        out.append(max(-half, min(half - 1, q)))
    return out, d


class Q4Test(unittest.TestCase):
    def test_positive_extreme_maps_to_minus_8(self):
        t = quantize4(row([1.0, 0.5, -0.25]))
        self.assertEqual(float(t.scales[0, 0]), -0.125)
        self.assertEqual(t.q[0, :3].tolist(), [-8, -4, 2])

    def test_negative_extreme_maps_to_minus_8_with_positive_scale(self):
        t = quantize4(row([0.3, -2.0, 1.0]))
        self.assertEqual(float(t.scales[0, 0]), 0.25)
        self.assertEqual(t.q[0, 1], -8)
        self.assertEqual(t.q[0, 2], 4)
        self.assertEqual(float(t.dequantize()[0, 1]), -2.0)

    def test_tie_on_abs_max_picks_first_element(self):
        # +1 first: d = -1/8, so the later -1 maps to +8 and clamps to 7.
        t = quantize4(row([1.0, -1.0]))
        self.assertEqual(t.q[0, :2].tolist(), [-8, 7])
        # -1 first: d = +1/8, the later +1 clamps to 7.
        t = quantize4(row([-1.0, 1.0]))
        self.assertEqual(float(t.scales[0, 0]), 0.125)
        self.assertEqual(t.q[0, :2].tolist(), [-8, 7])

    def test_half_way_values_round_to_even(self):
        # d = -1/8 * 8 = -1 (m = 8): w / d = -0.5 -> -0 (even), -1.5 -> -2, -2.5 -> -2, 3.5 -> ... (w=-3.5 -> 3.5 -> 4)
        t = quantize4(row([8.0, 0.5, 1.5, 2.5, -3.5, -0.5]))
        self.assertEqual(float(t.scales[0, 0]), -1.0)
        self.assertEqual(t.q[0, :6].tolist(), [-8, 0, -2, -2, 4, 0])

    def test_zero_group_gives_zero_scale_and_codes(self):
        t = quantize4(np.zeros((2, 64), dtype=np.float32))
        self.assertTrue((t.scales == 0).all())
        self.assertTrue((t.q == 0).all())
        self.assertTrue((t.dequantize() == 0).all())
        self.assertTrue((t.packed_qweight() == 0x88888888).all())

    def test_f16_rounding_of_scale(self):
        # m / -8 = -0.1 / 8 is not an f16; the scale is its RNE rounding, and the codes use the rounded scale.
        w = row([0.1, 0.05, -0.0999])
        t = quantize4(w)
        self.assertEqual(t.scales[0, 0], np.float16(np.float32(0.1) / np.float32(-8)))
        codes, d = exact_reference("q4", w[0])
        self.assertEqual(float(t.scales[0, 0]), d)
        self.assertEqual(t.q[0].tolist(), codes)

    def test_subnormal_and_underflowing_scales(self):
        tiny = row([2.0**-20, -(2.0**-21)])  # d = -2^-23: an f16 subnormal
        t = quantize4(tiny)
        self.assertEqual(float(t.scales[0, 0]), -(2.0**-23))
        self.assertEqual(t.q[0, :2].tolist(), [-8, 4])
        gone = quantize4(row([2.0**-30]))  # d underflows to -0 in f16: all codes 0
        self.assertEqual(float(gone.scales[0, 0]), 0.0)
        self.assertTrue((gone.q == 0).all())

    def test_scale_overflow_is_an_error(self):
        with self.assertRaises(ValueError):
            quantize4(row([65520.0 * 8]))  # m / 8 = 65520 rounds (tie to even) to f16 infinity
        t = quantize4(row([65519.0 * 8]))  # rounds down to 65504, the largest f16
        self.assertEqual(float(t.scales[0, 0]), -65504.0)

    def test_shape_errors(self):
        with self.assertRaises(ValueError):
            quantize4(np.zeros((2, 33), dtype=np.float32))
        with self.assertRaises(TypeError):
            quantize4(np.zeros((2, 32), dtype=np.float64))

    def test_random_groups_match_exact_fraction_reference(self):
        rng = np.random.default_rng(3)
        w = rng.normal(0, 0.05, size=(16, 96)).astype(np.float32)
        w[3, 5] = -w[3, :32].__abs__().max() * 1.0  # a negative extreme that ties in |w| with another element
        t = quantize4(w)
        for r in range(w.shape[0]):
            for g in range(3):
                codes, d = exact_reference("q4", w[r, 32 * g: 32 * g + 32])
                self.assertEqual(float(t.scales[r, g]), d)
                self.assertEqual(t.q[r, 32 * g: 32 * g + 32].tolist(), codes)
        deq = quantize_dequantize(w, "q4")
        self.assertTrue(np.array_equal(deq, t.q.astype(np.float32) * np.repeat(t.scales.astype(np.float32), 32, 1)))

    def test_packing_layout(self):
        w = row([8.0, 1.0, 2.0, 3.0, 4.0, 5.0, 6.0, 7.0, -1.0])
        t = quantize4(w)  # d = -1: codes -8,-1,-2,...,-7 then +1
        words = t.packed_qweight()
        self.assertEqual(words.shape, (1, 4))
        nibbles = [(int(words[0, 0]) >> (4 * j)) & 0xF for j in range(8)]
        self.assertEqual(nibbles, [0, 7, 6, 5, 4, 3, 2, 1])
        self.assertEqual((int(words[0, 1]) & 0xF), 9)
        scales = quantize4(np.stack([w[0], -w[0]])).packed_scales()
        self.assertEqual(scales.tolist(), [0xBC00 | (0x3C00 << 16)])


class Q8Test(unittest.TestCase):
    def test_positive_extreme_maps_to_minus_128(self):
        t = quantize8(row([1.0, 0.5, -0.25]))
        self.assertEqual(float(t.scales[0, 0]), -1 / 128)
        self.assertEqual(t.q[0, :3].tolist(), [-128, -64, 32])

    def test_tie_on_abs_max_picks_first_and_the_opposite_clamps_to_127(self):
        t = quantize8(row([1.0, -1.0]))
        self.assertEqual(t.q[0, :2].tolist(), [-128, 127])
        t = quantize8(row([-1.0, 1.0]))
        self.assertEqual(float(t.scales[0, 0]), 1 / 128)
        self.assertEqual(t.q[0, :2].tolist(), [-128, 127])

    def test_half_way_values_round_to_even(self):
        # m = 128 -> d = -1: w / d = -0.5 -> 0, -1.5 -> -2, -2.5 -> -2, 3.5 -> 4, -127.5 -> 128 -> 127
        t = quantize8(row([128.0, 0.5, 1.5, 2.5, -3.5, -0.5, -127.5, 126.5]))
        self.assertEqual(float(t.scales[0, 0]), -1.0)
        self.assertEqual(t.q[0, :8].tolist(), [-128, 0, -2, -2, 4, 0, 127, -126])

    def test_zero_group_and_storage_layout(self):
        t = quantize8(np.zeros((2, 64), dtype=np.float32))
        self.assertTrue((t.scales == 0).all() and (t.q == 0).all() and (t.packed_qweight() == 0).all())
        t = quantize8(row([-2.0, 1.0, -1.0, 0.5]))
        # d = 2/128: codes -128, 64, -64, 32 -> bytes 0x80, 0x40, 0xc0, 0x20, element 0 in the low byte
        self.assertEqual(int(t.packed_qweight()[0, 0]), 0x20C04080)
        self.assertEqual(int(t.packed_scales()[0]), int(np.float16(2 / 128).view(np.uint16)))

    def test_subnormal_and_underflowing_scales(self):
        t = quantize8(row([320 * 2.0 ** -24, 1.0 * 2.0 ** -24]))  # m/128 = 2.5 * 2^-24 ties to 2 * 2^-24
        self.assertEqual(float(t.scales[0, 0]), -2 * 2.0 ** -24)
        self.assertEqual(t.q[0, 0], -128)  # 320 / 2 = 160 clamps
        t = quantize8(row([2.0 ** -19, -(2.0 ** -20)]))  # m/128 = 2^-26 -> 0: all codes 0
        self.assertEqual(float(t.scales[0, 0]), 0.0)
        self.assertTrue((t.q == 0).all())

    def test_scale_overflow_and_non_finite_are_errors(self):
        with self.assertRaises(ValueError):
            quantize8(row([1e7]))
        with self.assertRaises(ValueError):
            quantize8(row([np.nan]))

    def test_random_groups_match_exact_rationals(self):
        rng = np.random.default_rng(5)
        w = (rng.standard_normal((8, 64)) * 10.0 ** rng.uniform(-4, 2, (8, 1))).astype(np.float32)
        t = quantize8(w)
        for r in range(8):
            for g in range(2):
                codes, d = exact_reference("q8", w[r, 32 * g: 32 * g + 32])
                self.assertEqual(float(t.scales[r, g]), d)
                self.assertEqual(t.q[r, 32 * g: 32 * g + 32].tolist(), codes)


class FormatTest(unittest.TestCase):
    def test_unknown_format_is_an_error(self):
        with self.assertRaises(ValueError):
            quantize(row([1.0]), "q5")


if __name__ == "__main__":
    unittest.main()
