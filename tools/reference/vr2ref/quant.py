"""The q4 (ARCHITECTURE.md §4) and q8 (docs/model.md §6.3) weight formats, in numpy with exact arithmetic.

One rule, B = 4 or 8 code bits. For W[out, in] (in % 32 == 0), per group of 32 consecutive inputs of a row:
  m = the element with the largest |w| (first in index order on ties), as f32
  d = f16(m / -2^(B-1)), round-to-nearest-even (the division by a power of two is exact); d = ±inf is an error
  q = clamp(roundHalfEven(w / d), -2^(B-1), 2^(B-1) - 1), q = 0 when d == 0
  dequantized w' = q * d (exact in f32: |q| <= 2^(B-1) times an 11-bit f16 significand)
Storage: scales f16 bits, two per u32 (element 2k in the low half), flat index row * (in/32) + group; qweight u32
  q4: [out][in/8], element 8k+j of a row in bits 4j..4j+3 of word k as the nibble q + 8
  q8: [out][in/4], element 4k+j in bits 8j..8j+7 of word k as q's two's-complement byte (the int8 array's bytes,
      little-endian)
"""
from __future__ import annotations

from dataclasses import dataclass

import numpy as np

GROUP = 32
BITS = {"q4": 4, "q8": 8}


@dataclass(frozen=True)
class QuantTensor:
    fmt: str             # "q4" or "q8"
    q: np.ndarray        # int8 [out, in]
    scales: np.ndarray   # float16 [out, in / 32]

    def dequantize(self) -> np.ndarray:
        d = np.repeat(self.scales.astype(np.float32), GROUP, axis=1)
        return self.q.astype(np.float32) * d

    def packed_qweight(self) -> np.ndarray:
        if self.fmt == "q8":
            return np.ascontiguousarray(self.q.astype("<i1")).view("<u4").astype(np.uint32)
        out, n_in = self.q.shape
        nib = (self.q.astype(np.int16) + 8).astype(np.uint32).reshape(out, n_in // 8, 8)
        shifts = (np.arange(8, dtype=np.uint32) * np.uint32(4))[None, None, :]
        return np.bitwise_or.reduce(nib << shifts, axis=2).astype(np.uint32)

    def packed_scales(self) -> np.ndarray:
        bits = self.scales.reshape(-1).view(np.uint16).astype(np.uint32)
        if bits.size % 2:
            bits = np.concatenate([bits, np.zeros(1, dtype=np.uint32)])
        return bits[0::2] | (bits[1::2] << np.uint32(16))


def quantize(w: np.ndarray, fmt: str) -> QuantTensor:
    """Quantize W[out, in] (float32 values; bf16 weights are exact in f32) to fmt ("q4" or "q8")."""
    if fmt not in BITS:
        raise ValueError(f"unknown quantization format {fmt!r} (have {sorted(BITS)})")
    half = 1 << (BITS[fmt] - 1)
    w = np.asarray(w)
    if w.dtype != np.float32:
        raise TypeError(f"{fmt} quantize expects float32 weights, got {w.dtype}")
    if w.ndim != 2 or w.shape[1] % GROUP != 0:
        raise ValueError(f"{fmt} quantize needs W[out, in] with in % {GROUP} == 0, got shape {w.shape}")
    if not np.isfinite(w).all():
        raise ValueError(f"{fmt} quantize: weights contain inf/NaN")
    out, n_in = w.shape
    g = w.reshape(out, n_in // GROUP, GROUP)
    first_max = np.argmax(np.abs(g), axis=2)  # argmax returns the first maximum: the tie rule
    m = np.take_along_axis(g, first_max[..., None], axis=2)[..., 0]
    # m / -2^(B-1) in f64 is exact (f32 subnormals included); numpy's f64 -> f16 cast rounds to nearest even once.
    with np.errstate(over="ignore"):
        d16 = (m.astype(np.float64) / -float(half)).astype(np.float16)
    if np.isinf(d16).any():  # |d| >= 65520 rounds past 65504 (the GPU quantizer's overflow flag)
        raise ValueError(f"{fmt} quantize: a group's scale exceeds the f16 range (|d| > 65504)")
    d = d16.astype(np.float64)[..., None]
    wd = g.astype(np.float64)
    with np.errstate(divide="ignore", invalid="ignore"):
        ratio = np.where(d != 0.0, wd / d, 0.0)
    q = np.rint(ratio)  # half to even
    _check_exact_rounding(fmt, wd, d, q)
    q = np.clip(q, -half, half - 1).astype(np.int8)
    return QuantTensor(fmt=fmt, q=q.reshape(out, n_in), scales=d16)


def _check_exact_rounding(fmt: str, w: np.ndarray, d: np.ndarray, q: np.ndarray) -> None:
    """Verify the float64 quotient rounded exactly: |w - q d| <= |d|/2, ties to even (all products exact in f64)."""
    nz = np.broadcast_to(d != 0.0, w.shape)
    dd = np.broadcast_to(d, w.shape)[nz]
    r = np.abs(w[nz] - q[nz] * dd)
    half = np.abs(dd) * 0.5
    if (r > half).any():
        raise AssertionError(f"{fmt} rounding is not to nearest")
    tie = r == half
    if (np.mod(q[nz][tie], 2) != 0).any():
        raise AssertionError(f"{fmt} rounding tie not resolved to even")


def quantize_dequantize(w: np.ndarray, fmt: str) -> np.ndarray:
    return quantize(w, fmt).dequantize()
