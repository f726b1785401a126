"""Seeded random weights, one independent stream per tensor name, so a tensor's values depend only on (seed, name,
shape): the text weights are identical whatever the vision tower looks like, and the ONNX twin reads the same values.

Scales follow the Qwen2 initialiser (normal, std 0.02) so activations and logits keep realistic magnitudes; RMSNorm
weights are 1 + small noise (they start at 1 in training); biases are small.
"""
from __future__ import annotations

import zlib

import torch

STD = 0.02


def _generator(seed: int, name: str) -> torch.Generator:
    g = torch.Generator()
    g.manual_seed((seed * 0x9E3779B1 + zlib.crc32(name.encode())) % (2**63))
    return g


def random_tensor(seed: int, name: str, shape: tuple[int, ...]) -> torch.Tensor:
    """bf16 tensor for `name` (bf16 is what published checkpoints store; the values are exact in f32)."""
    g = _generator(seed, name)
    x = torch.randn(shape, generator=g, dtype=torch.float32)
    if name.endswith("norm.weight") or name.endswith("norm1.weight") or name.endswith("norm2.weight") or name.endswith("ln_q.weight"):
        x = 1.0 + 0.05 * x
    elif name.endswith(".bias"):
        x = 0.01 * x
    else:
        x = STD * x
    return x.to(torch.bfloat16)


def random_state(seed: int, shapes: dict[str, tuple[int, ...]]) -> dict[str, torch.Tensor]:
    return {name: random_tensor(seed, name, shape) for name, shape in shapes.items()}
