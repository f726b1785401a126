"""Deterministic weights for the tiny checkpoint: every tensor from the hash PRNG (vr2ref.hash_prng), bf16-exact.

Scales are chosen so the toy model is numerically interesting (checked by vr2ref.checks on every golden case):
clearly separated logits, a greedy continuation that is not one repeated token, and final-layer attention on the
video that is neither ~0 nor uniform. Norm weights are 1 + noise and biases are nonzero, so an implementation that
ignores a norm weight or a bias fails the goldens.
"""
from __future__ import annotations

import math

import numpy as np

from .hash_prng import bf16_bits_to_f32, f32_to_bf16_bits, hash_tensor

TINY_SEED = 8

# Matrices: gain / sqrt(fan_in), gain 1 except the attention query/key projections (sharper, less uniform
# attention). Embedding and lm_head noise use absolute stds. Larger than HF's 0.02 on purpose (see module doc).
QK_GAIN = 1.5
QK_MODULES = ("q_proj", "k_proj", "qkv")
EMBED_STD = 1.0
LM_HEAD_STD = 1.5     # the noise part of lm_head (logit std ~ 9 after the final RMSNorm, with the embedding part)
BIAS_STD = 0.1
NORM_STD = 0.1
# lm_head = LM_HEAD_FROM_EMBED * embed_tokens + noise: like a trained LM, the untied head mildly favours tokens whose
# embedding is in the residual stream, so the repetition penalty (1.05) changes the greedy choice at some steps.
LM_HEAD_FROM_EMBED = 0.7
# Rows past the tokenizer's last id (151665..151935) only pad the matrix; as in the released checkpoints they must
# never win the argmax, so the tiny lm_head keeps them at zero (the embedding rows stay random).
FIRST_PADDING_ID = 151665


def init_rule(name: str, shape: tuple[int, ...]) -> tuple[float, float]:
    """(std, mean) for a tensor of the tiny model, by its checkpoint name."""
    parts = name.split(".")
    leaf, module = parts[-1], parts[-2]
    if "norm" in module or module == "ln_q":
        return NORM_STD, 1.0
    if leaf == "bias":
        return BIAS_STD, 0.0
    if module == "embed_tokens":
        return EMBED_STD, 0.0
    if module == "lm_head":
        return LM_HEAD_STD, 0.0
    if leaf != "weight" or len(shape) < 2:
        raise KeyError(f"no init rule for {name} {shape}")
    fan_in = int(np.prod(shape[1:]))
    return (QK_GAIN if module in QK_MODULES else 1.0) / math.sqrt(fan_in), 0.0


def tiny_state(names_and_shapes: list[tuple[str, tuple[int, ...]]], seed: int = TINY_SEED) -> dict[str, np.ndarray]:
    """float32 arrays whose values are exactly bf16, keyed by the old (transformers <= 4.51) checkpoint names."""
    out = {}
    for name, shape in names_and_shapes:
        std, mean = init_rule(name, shape)
        out[name] = hash_tensor(seed, name, shape, std, mean)
    if "lm_head.weight" in out and LM_HEAD_FROM_EMBED:
        mixed = np.float32(LM_HEAD_FROM_EMBED) * out["model.embed_tokens.weight"] + out["lm_head.weight"]
        mixed = bf16_bits_to_f32(f32_to_bf16_bits(mixed))
        mixed[FIRST_PADDING_ID:] = 0.0
        out["lm_head.weight"] = mixed
    return out
