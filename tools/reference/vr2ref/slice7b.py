"""7B-shaped slices: one real Qwen2_5_VLDecoderLayer and one real vision block at Qwen2.5-VL-7B dimensions.

The weights (0.47 GB / 39 MB in bf16) are not committed: they come from the hash PRNG (ARCHITECTURE.md §5), which
src/test-utils/hash-weights.ts reproduces bit for bit, so a TypeScript test regenerates them at test time. Only the
input specification and float32 outputs are committed.
"""
from __future__ import annotations

import math
from pathlib import Path

import numpy as np
import torch

from .goldens_io import GoldenSet
from .hash_prng import hash_tensor
from .quant import quantize_dequantize
from .quant_model import QUANT_PATTERN

DECODER_SEED = 7
VISION_SEED = 8
DECODER_PREFIX = "model.layers.0."
VISION_PREFIX = "visual.blocks.0."

TEXT_7B = dict(hidden_size=3584, intermediate_size=18944, num_attention_heads=28, num_key_value_heads=4,
               rope_theta=1000000.0, rms_norm_eps=1e-6, vocab_size=152064, num_hidden_layers=1,
               max_position_embeddings=128000, rope_scaling={"type": "mrope", "mrope_section": [16, 24, 24]})
VISION_7B = dict(depth=1, hidden_size=1280, intermediate_size=3420, num_heads=16, out_hidden_size=3584,
                 patch_size=14, spatial_merge_size=2, temporal_patch_size=2, window_size=112,
                 fullatt_block_indexes=[0], tokens_per_second=2, hidden_act="silu")

# A few tokens shaped like a real prompt fragment: text, a 2x2 video patch at t=0 and t=4 (positions jump), text,
# and positions in the thousands where f32 angle precision matters.
DECODER_POSITIONS = [
    [0, 1, 2, 2, 2, 2, 6, 6, 8, 4021, 4022],   # t
    [0, 1, 2, 2, 3, 3, 2, 3, 8, 4021, 4022],   # h
    [0, 1, 2, 3, 2, 3, 2, 3, 8, 4021, 4022],   # w
]
VISION_GRID = [2, 24, 22]  # 1056 patches; merged 12x11: 3 window rows x 3 window columns + an empty padded row


def weight_rule(name: str, shape) -> tuple[float, float]:
    leaf = name.rsplit(".", 1)[-1]
    if "norm" in name:
        return 0.1, 1.0
    if leaf == "bias":
        return 0.1, 0.0
    return 1.0 / math.sqrt(int(np.prod(shape[1:]))), 0.0


def _fill(module: torch.nn.Module, prefix: str, seed: int) -> list[dict]:
    spec = []
    with torch.no_grad():
        for name, p in module.state_dict().items():
            full = prefix + name
            std, mean = weight_rule(full, tuple(p.shape))
            p.copy_(torch.from_numpy(hash_tensor(seed, full, tuple(p.shape), std, mean)))
            spec.append({"name": full, "shape": list(p.shape), "std": std, "mean": mean})
    return spec


def _causal_mask(n: int) -> torch.Tensor:
    m = torch.full((n, n), torch.finfo(torch.float32).min)
    return torch.triu(m, diagonal=1)[None, None]


def decoder(out_root: Path, repo_root: Path) -> None:
    from transformers import Qwen2_5_VLConfig
    from transformers.models.qwen2_5_vl.modeling_qwen2_5_vl import Qwen2_5_VLDecoderLayer, Qwen2_5_VLRotaryEmbedding

    config = Qwen2_5_VLConfig(**TEXT_7B)
    config._attn_implementation = "eager"
    layer = Qwen2_5_VLDecoderLayer(config, layer_idx=0).eval()
    spec = _fill(layer, DECODER_PREFIX, DECODER_SEED)
    n = len(DECODER_POSITIONS[0])
    x_spec = {"name": "slice.decoder.hidden_in", "shape": [n, 3584], "std": 1.0, "mean": 0.0}
    x = torch.from_numpy(hash_tensor(DECODER_SEED, x_spec["name"], (n, 3584), 1.0))[None]
    pos = torch.tensor(DECODER_POSITIONS, dtype=torch.long)[:, None, :]
    cos, sin = Qwen2_5_VLRotaryEmbedding(config)(x, pos)

    def run():
        taps = {}
        hook = layer.self_attn.register_forward_hook(lambda m, i, o: taps.__setitem__("attn", o[0].detach()))
        with torch.no_grad():
            out = layer(x, attention_mask=_causal_mask(n), position_ids=pos, position_embeddings=(cos, sin))[0]
        hook.remove()
        return {"after_attention": (x + taps["attn"])[0].numpy(), "output": out[0].numpy()}

    meta = {"prng": "ARCHITECTURE.md §5 (tools/reference/vr2ref/hash_prng.py)", "seed": DECODER_SEED,
            "config": {k: v for k, v in TEXT_7B.items() if k not in ("vocab_size", "num_hidden_layers")},
            "weights": spec, "hidden_in": x_spec, "position_ids": DECODER_POSITIONS,
            "attention_mask": "causal", "dtype": "float32 (bf16-exact weights and inputs), eager attention",
            "outputs": {"after_attention": "hidden_in + self_attn(input_layernorm(hidden_in))",
                        "output": "the decoder layer's output"}}
    out = run()
    gs = GoldenSet(out_root / "slice-7b-decoder", "slice-7b-decoder", "slice",
                   "One Qwen2_5_VLDecoderLayer at 7B dimensions (3584 hidden, 28/4 heads, 18944 MLP, M-RoPE "
                   "[16,24,24]) on 11 tokens; weights from the hash PRNG (regenerated at test time).",
                   ("7B tensor sizes (binding-limit splits)", "GQA 7:1", "M-RoPE at large positions"), DECODER_SEED)
    gs.tensors("outputs.safetensors", out)
    gs.json("meta.json", meta)
    gs.finish(repo_root, "slice")

    q4_names = []
    with torch.no_grad():
        for name, p in layer.state_dict().items():
            if QUANT_PATTERN.match(DECODER_PREFIX + name):
                p.copy_(torch.from_numpy(quantize_dequantize(p.numpy(), "q4")))
                q4_names.append(DECODER_PREFIX + name)
    gs = GoldenSet(out_root / "slice-7b-decoder-q4", "slice-7b-decoder-q4", "slice-q4",
                   "slice-7b-decoder with its seven linear weights q4 quantize-dequantized (ARCHITECTURE.md §4).",
                   ("q4 at 7B dimensions",), DECODER_SEED)
    gs.tensors("outputs.safetensors", run())
    gs.json("meta.json", meta | {"inputs_from": "slice-7b-decoder", "q4_tensors": q4_names})
    gs.finish(repo_root, "slice")


def vision(out_root: Path, repo_root: Path) -> None:
    from transformers.models.qwen2_5_vl.configuration_qwen2_5_vl import Qwen2_5_VLVisionConfig
    from transformers.models.qwen2_5_vl.modeling_qwen2_5_vl import Qwen2_5_VisionTransformerPretrainedModel

    vcfg = Qwen2_5_VLVisionConfig(**VISION_7B)
    vcfg._attn_implementation = "eager"
    tower = Qwen2_5_VisionTransformerPretrainedModel(vcfg).eval()
    block = tower.blocks[0]
    spec = _fill(block, VISION_PREFIX, VISION_SEED)
    grid = torch.tensor([VISION_GRID])
    n = int(np.prod(VISION_GRID))
    x_spec = {"name": "slice.vision.hidden_in", "shape": [n, 1280], "std": 1.0, "mean": 0.0,
              "order": "raster (processor) row order, before the window reordering"}
    x_raster = torch.from_numpy(hash_tensor(VISION_SEED, x_spec["name"], (n, 1280), 1.0))
    window_index, cu_window = tower.get_window_index(grid)
    cu_window = torch.unique_consecutive(torch.tensor(cu_window, dtype=torch.int32))
    cu_full = torch.nn.functional.pad(torch.repeat_interleave(grid[:, 1] * grid[:, 2], grid[:, 0]).cumsum(0), (1, 0))
    x = x_raster.reshape(n // 4, 4, -1)[window_index].reshape(n, -1)
    rot = tower.rot_pos_emb(grid).reshape(n // 4, 4, -1)[window_index].reshape(n, -1)
    emb = torch.cat((rot, rot), dim=-1)
    pos = (emb.cos(), emb.sin())
    with torch.no_grad():
        out_window = block(x, cu_seqlens=cu_window, position_embeddings=pos).numpy()
        out_full = block(x, cu_seqlens=cu_full.to(torch.int32), position_embeddings=pos).numpy()

    bounds = cu_window.tolist()
    rows = sorted(set(range(0, n, 16)) | set(bounds[:-1]) | {b - 1 for b in bounds[1:]})
    tensors = {"rows": np.array(rows, dtype=np.int32)}
    for mode, out in (("windowed", out_window), ("full", out_full)):
        tensors[f"{mode}.rows"] = out[rows]
        tensors[f"{mode}.row_sum"] = out.astype(np.float64).sum(axis=1).astype(np.float32)
        tensors[f"{mode}.row_sumsq"] = (out.astype(np.float64) ** 2).sum(axis=1).astype(np.float32)
    gs = GoldenSet(out_root / "slice-7b-vision", "slice-7b-vision", "slice",
                   "One Qwen2.5-VL vision block at 7B dimensions (1280 hidden, 16 heads of 80, SwiGLU 3420 with "
                   "biases, 2-D RoPE) on 1056 patches of grid (2, 24, 22), in windowed mode (cu_window_seqlens) "
                   "and full mode (cu_seqlens, one segment per temporal patch). Committed: a subset of output rows "
                   "plus every row's sum and sum of squares; weights from the hash PRNG.",
                   ("real window segments incl. a padded window row", "full-attention segments per temporal patch",
                    "vision RoPE reordered by window_index"), VISION_SEED)
    gs.tensors("outputs.safetensors", tensors)
    gs.json("meta.json", {
        "prng": "ARCHITECTURE.md §5 (tools/reference/vr2ref/hash_prng.py)", "seed": VISION_SEED,
        "config": VISION_7B, "weights": spec, "hidden_in": x_spec, "grid_thw": VISION_GRID,
        "window_index": window_index.tolist(), "cu_window_seqlens": bounds, "cu_seqlens": cu_full.tolist(),
        "dtype": "float32 (bf16-exact weights and inputs), eager attention",
        "outputs": {"rows": "indices (window order) of the committed output rows",
                    "<mode>.rows": "block output rows at those indices, window order",
                    "<mode>.row_sum / row_sumsq": "float64 sum / sum of squares of every output row, as f32"},
    })
    gs.finish(repo_root, "slice")
