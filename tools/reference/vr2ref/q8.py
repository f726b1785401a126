"""The q8 weight format of docs/model.md §6.3, in numpy with exact arithmetic.

For W[out, in] (in % 32 == 0), per group of 32 consecutive inputs of a row:
  m = the element with the largest |w| (first in index order on ties), as f32
  d = f16(m / -128), round-to-nearest-even (m / -128 is exact: a power-of-two division); d = ±inf is an error
  q = clamp(roundHalfEven(w / d), -128, 127), q = 0 when d == 0
  dequantized w' = q * d (exact in f32)
Storage: qweight u32 [out][in/4], element 4k+j of a row in bits 8j..8j+7 of word k as q's two's-complement byte
(i.e. the bytes of the int8 [out][in] array, little-endian); scales: f16 bits, two per u32 (element 2k in the low
half), flat index row * (in/32) + group. The same rule as q4 (vr2ref/q4.py) with 8-bit codes.
"""
from __future__ import annotations

from dataclasses import dataclass

import numpy as np

GROUP = 32


@dataclass(frozen=True)
class Q8Tensor:
    q: np.ndarray        # int8 [out, in]
    scales: np.ndarray   # float16 [out, in / 32]

    def dequantize(self) -> np.ndarray:
        d = np.repeat(self.scales.astype(np.float32), GROUP, axis=1)
        return self.q.astype(np.float32) * d  # exact: |q| <= 128 (8 bits) times an 11-bit f16 significand

    def packed_qweight(self) -> np.ndarray:
        return np.ascontiguousarray(self.q.astype("<i1")).view("<u4").astype(np.uint32)

    def packed_scales(self) -> np.ndarray:
        bits = self.scales.reshape(-1).view(np.uint16).astype(np.uint32)
        if bits.size % 2:
            bits = np.concatenate([bits, np.zeros(1, dtype=np.uint32)])
        return bits[0::2] | (bits[1::2] << np.uint32(16))


def quantize(w: np.ndarray) -> Q8Tensor:
    """Quantize W[out, in] (float32 values; bf16 weights are exact in f32)."""
    w = np.asarray(w)
    if w.dtype != np.float32:
        raise TypeError(f"q8 quantize expects float32 weights, got {w.dtype}")
    if w.ndim != 2 or w.shape[1] % GROUP != 0:
        raise ValueError(f"q8 quantize needs W[out, in] with in % {GROUP} == 0, got shape {w.shape}")
    if not np.isfinite(w).all():
        raise ValueError("q8 quantize: weights contain inf/NaN")
    out, n_in = w.shape
    g = w.reshape(out, n_in // GROUP, GROUP)
    first_max = np.argmax(np.abs(g), axis=2)  # argmax returns the first maximum: the tie rule
    m = np.take_along_axis(g, first_max[..., None], axis=2)[..., 0]
    # m / -128 in f64 is exact (f32 subnormals included); numpy's f64 -> f16 cast rounds to nearest even once.
    with np.errstate(over="ignore"):
        d16 = (m.astype(np.float64) / -128.0).astype(np.float16)
    if np.isinf(d16).any():  # |m / 128| >= 65520 rounds past 65504 (the GPU quantizer's overflow flag)
        raise ValueError("q8 quantize: a group's scale exceeds the f16 range (|d| > 65504)")
    d = d16.astype(np.float64)[..., None]
    wd = g.astype(np.float64)
    with np.errstate(divide="ignore", invalid="ignore"):
        ratio = np.where(d != 0.0, wd / d, 0.0)
    q = np.rint(ratio)  # half to even
    _check_exact_rounding(wd, d, q)
    q = np.clip(q, -128, 127).astype(np.int8)
    return Q8Tensor(q=q.reshape(out, n_in), scales=d16)


def _check_exact_rounding(w: np.ndarray, d: np.ndarray, q: np.ndarray) -> None:
    """Verify the float64 quotient rounded exactly: |w - q d| <= |d|/2, ties to even (all products exact in f64)."""
    nz = np.broadcast_to(d != 0.0, w.shape)
    dd = np.broadcast_to(d, w.shape)[nz]
    r = np.abs(w[nz] - q[nz] * dd)
    half = np.abs(dd) * 0.5
    if (r > half).any():
        raise AssertionError("q8 rounding is not to nearest")
    tie = r == half
    if (np.mod(q[nz][tie], 2) != 0).any():
        raise AssertionError("q8 rounding tie not resolved to even")


def quantize_dequantize(w: np.ndarray) -> np.ndarray:
    return quantize(w).dequantize()
