"""A small golden of the q4 storage format itself (ARCHITECTURE.md §4) for the GPU quantizer's tests."""
from __future__ import annotations

from pathlib import Path

import numpy as np

from .goldens_io import GoldenSet
from .hash_prng import bf16_bits_to_f32, f32_to_bf16_bits, hash_tensor
from .quant import quantize

SEED = 11
ROWS, COLS = 64, 256


def _bf16(x) -> np.ndarray:
    return bf16_bits_to_f32(f32_to_bf16_bits(np.asarray(x, dtype=np.float32)))


def build_matrix() -> tuple[np.ndarray, dict]:
    w = hash_tensor(SEED, "q4format.w", (ROWS, COLS), std=0.05)
    w[48:52] = hash_tensor(SEED, "q4format.w_small", (4, COLS), std=1e-3)
    w[52:56] = hash_tensor(SEED, "q4format.w_large", (4, COLS), std=30.0)
    notes = {}
    w[56] = 0.0
    notes[56] = "all-zero row: scales 0, codes 0 (nibble 8)"
    r = np.zeros(COLS, dtype=np.float32)
    r[0:2] = [1.0, -1.0]            # |w| tie, + first: d = -1/8, the later -1 clamps to +7
    r[32:34] = [-1.0, 1.0]          # |w| tie, - first: d = +1/8
    r[64:66] = [0.3, -2.0]          # negative extreme -> q = -8 with a positive scale
    r[96:103] = [8.0, 0.5, 1.5, 2.5, -3.5, -0.5, 6.5]  # d = -1: exact halves round to even
    w[57] = _bf16(r)
    notes[57] = "ties on |w| (first element wins), negative extreme, exact halves"
    s = np.zeros(COLS, dtype=np.float32)
    s[0:2] = [2.0 ** -20, -(2.0 ** -21)]   # d = -2^-23: f16 subnormal scale
    s[32] = 2.0 ** -30                      # d underflows to (-)0: all codes 0
    s[64:66] = [522240.0, -1.0]             # d = -65280: the largest bf16-exact m gives a near-max f16
    s[96:98] = [0.1, 0.0999]                # d = f16(-0.0125): scale rounding
    w[58] = _bf16(s)
    notes[58] = "subnormal scale, underflowing scale, near-max f16 scale, rounded scale"
    w[59] = -np.abs(w[59])
    notes[59] = "all-negative row"
    if not np.array_equal(w, _bf16(w)):
        raise AssertionError("q4 format matrix must be bf16-exact")
    return w, notes


def write(out_root: Path, repo_root: Path) -> None:
    w, notes = build_matrix()
    t = quantize(w, "q4")
    gs = GoldenSet(out_root / "q4-format", "q4-format", "q4-format",
                   "A 64x256 bf16-exact matrix (hash rows plus hand rows) and its q4 form per ARCHITECTURE.md §4: "
                   "codes packed in u32 nibbles, f16 scales (also packed two per u32), and the dequantized values.",
                   ("first-max tie rule", "negative extremes", "zero groups", "f16 subnormal/underflowing/near-max "
                    "scales", "round-half-even codes", "clamp to 7"), SEED)
    gs.tensors("q4.safetensors", {
        "weight": w, "qweight": t.packed_qweight(), "scales_f16": t.scales.view(np.uint16),
        "scales_packed": t.packed_scales(), "dequantized": t.dequantize(),
    })
    gs.json("meta.json", {"rows": ROWS, "cols": COLS, "group": 32, "hand_rows": notes,
                          "hash_rows": {"0-47": {"name": "q4format.w", "std": 0.05},
                                        "48-51": {"name": "q4format.w_small", "std": 1e-3},
                                        "52-55": {"name": "q4format.w_large", "std": 30.0}},
                          "hash_rows_note": "rows 48-55 of q4format.w are overwritten; each hash tensor is generated "
                                            "whole ([64|4, 256]) and rows copied (see vr2ref/q4_format_golden.py)"})
    gs.finish(repo_root, "goldens")
