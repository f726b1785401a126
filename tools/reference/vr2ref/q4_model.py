"""Apply the q4 quantize-dequantize (ARCHITECTURE.md §4) to a model's text linears, embed_tokens and lm_head."""
from __future__ import annotations

import re

import torch

from .q4 import quantize_dequantize

Q4_PATTERN = re.compile(
    r"^(model\.embed_tokens\.weight|lm_head\.weight|"
    r"model\.layers\.\d+\.(self_attn\.(q|k|v|o)_proj|mlp\.(gate|up|down)_proj)\.weight)$")


def q4_names(state_names) -> list[str]:
    return [n for n in state_names if Q4_PATTERN.match(n)]


def apply_q4(model: torch.nn.Module) -> list[str]:
    """In place, on a float32 model whose weights are bf16-exact. Biases, norms and the vision tower stay."""
    sd = model.state_dict()
    names = q4_names(sd.keys())
    if getattr(model.config, "tie_word_embeddings", False):
        raise ValueError("q4 goldens are generated for the untied checkpoint only")
    with torch.no_grad():
        for name in names:
            w = sd[name]
            if w.dtype != torch.float32:
                raise TypeError(f"{name}: expected float32, got {w.dtype}")
            w.copy_(torch.from_numpy(quantize_dequantize(w.numpy())))
    return names
