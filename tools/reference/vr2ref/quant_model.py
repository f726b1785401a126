"""Apply the q4 or q8 quantize-dequantize (vr2ref/quant.py) to a model's text linears, embed_tokens and lm_head."""
from __future__ import annotations

import re

import torch

from .quant import quantize_dequantize

# The tensors the engine quantizes; biases, norms and the vision tower stay 16-bit.
QUANT_PATTERN = re.compile(
    r"^(model\.embed_tokens\.weight|lm_head\.weight|"
    r"model\.layers\.\d+\.(self_attn\.(q|k|v|o)_proj|mlp\.(gate|up|down)_proj)\.weight)$")


def quant_names(state_names) -> list[str]:
    return [n for n in state_names if QUANT_PATTERN.match(n)]


def apply_quant(model: torch.nn.Module, fmt: str) -> list[str]:
    """In place, on a float32 model whose weights are bf16-exact, to fmt ("q4" or "q8")."""
    sd = model.state_dict()
    names = quant_names(sd.keys())
    if getattr(model.config, "tie_word_embeddings", False):
        raise ValueError(f"{fmt} goldens are generated for the untied checkpoint only")
    with torch.no_grad():
        for name in names:
            w = sd[name]
            if w.dtype != torch.float32:
                raise TypeError(f"{name}: expected float32, got {w.dtype}")
            w.copy_(torch.from_numpy(quantize_dequantize(w.numpy(), fmt)))
    return names
