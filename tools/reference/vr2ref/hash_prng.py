"""Counter-based hash PRNG that numpy and TypeScript (src/test-utils/hash-weights.ts) compute bit for bit.

Definition (all integer arithmetic on unsigned 32-bit words, wrapping):
  mix(x)        = lowbias32: x ^= x>>16; x *= 0x7feb352d; x ^= x>>15; x *= 0x846ca68b; x ^= x>>16
  tensor_id     = FNV-1a 32 of the tensor name's UTF-8 bytes (offset 0x811c9dc5, prime 0x01000193)
  key           = mix(mix(seed) ^ tensor_id)
  u(i)          = mix(mix(i + key) ^ key)          for flat row-major element index i (< 2^32)
Value (float64 arithmetic, no fused multiply-add, then one rounding to f32 and one RNE rounding to bf16):
  f    = ((u >> 8) + 0.5) / 2^24                  in (0, 1), exact
  x    = mean + (2f - 1) * (std * sqrt(3))         uniform with the requested mean and std
  bf16 = round_nearest_even_to_bf16(float32(x))
"""
from __future__ import annotations

import numpy as np

M32 = 0xFFFFFFFF


def fnv1a32(name: str) -> int:
    h = 0x811C9DC5
    for byte in name.encode("utf-8"):
        h = ((h ^ byte) * 0x01000193) & M32
    return h


def mix_scalar(x: int) -> int:
    x &= M32
    x ^= x >> 16
    x = (x * 0x7FEB352D) & M32
    x ^= x >> 15
    x = (x * 0x846CA68B) & M32
    x ^= x >> 16
    return x


def mix(x: np.ndarray) -> np.ndarray:
    """lowbias32 on a uint32 array (numpy wraps uint32 array products mod 2^32)."""
    assert x.dtype == np.uint32
    x = x ^ (x >> np.uint32(16))
    x = x * np.uint32(0x7FEB352D)
    x = x ^ (x >> np.uint32(15))
    x = x * np.uint32(0x846CA68B)
    x = x ^ (x >> np.uint32(16))
    return x


def stream_key(seed: int, name: str) -> int:
    if not 0 <= seed <= M32:
        raise ValueError(f"seed must be a u32, got {seed}")
    return mix_scalar(mix_scalar(seed) ^ fnv1a32(name))


def hash_u32(seed: int, name: str, start: int, count: int) -> np.ndarray:
    """u(i) for i in [start, start + count)."""
    if start < 0 or start + count > 2**32:
        raise ValueError(f"element range [{start}, {start + count}) exceeds 2^32")
    key = np.uint32(stream_key(seed, name))
    i = np.arange(start, start + count, dtype=np.uint64).astype(np.uint32)
    return mix(mix(i + key) ^ key)


def f32_to_bf16_bits(x: np.ndarray) -> np.ndarray:
    """Round-to-nearest-even float32 -> bf16 bit pattern (uint16). NaN is not expected here."""
    x = np.ascontiguousarray(x, dtype=np.float32)
    if np.isnan(x).any():
        raise ValueError("NaN cannot be rounded to bf16 here")
    b = x.view(np.uint32).astype(np.uint64)
    b = (b + 0x7FFF + ((b >> 16) & 1)) >> 16
    return b.astype(np.uint16)


def bf16_bits_to_f32(bits: np.ndarray) -> np.ndarray:
    return (bits.astype(np.uint32) << np.uint32(16)).view(np.float32)


def hash_bf16_bits(seed: int, name: str, shape: tuple[int, ...], std: float, mean: float = 0.0,
                   chunk: int = 1 << 24) -> np.ndarray:
    """bf16 bit patterns (uint16) of a hash-generated tensor, row-major."""
    n = int(np.prod(shape, dtype=np.int64))
    out = np.empty(n, dtype=np.uint16)
    amp = float(std) * float(np.sqrt(3.0))
    for s in range(0, n, chunk):
        c = min(chunk, n - s)
        u = hash_u32(seed, name, s, c)
        f = ((u >> np.uint32(8)).astype(np.float64) + 0.5) / 16777216.0
        t = 2.0 * f - 1.0
        x = t * amp
        x = x + float(mean)
        out[s:s + c] = f32_to_bf16_bits(x.astype(np.float32))
    return out.reshape(shape)


def hash_tensor(seed: int, name: str, shape: tuple[int, ...], std: float, mean: float = 0.0) -> np.ndarray:
    """The same tensor as float32 (every value exactly a bf16)."""
    return bf16_bits_to_f32(hash_bf16_bits(seed, name, shape, std, mean))
