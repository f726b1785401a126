"""Write the tiny checkpoints: main (untied, single file, old naming), tied + sharded, and new-naming layout.

All three hold the same tensors (the tied ones simply lack lm_head.weight), so a loader test can compare any
variant against the main checkpoint tensor by tensor.
"""
from __future__ import annotations

import json
import re
from pathlib import Path

import numpy as np
import torch
from safetensors.torch import load_file, save_file

from . import tiny_config, tokenizer_files
from .weights import TINY_SEED, tiny_state

SHARD_SIZE = "100KB"  # the 9.7 MB embedding gets its own shard; the ~0.26 MB rest splits into a few more


def build_model(tied: bool, dtype: torch.dtype = torch.bfloat16):
    from transformers import Qwen2_5_VLConfig, Qwen2_5_VLForConditionalGeneration

    config = Qwen2_5_VLConfig(**tiny_config.config_json(tied))
    torch.manual_seed(0)  # the random init below is overwritten; seeding only keeps construction quiet and fixed
    model = Qwen2_5_VLForConditionalGeneration(config).eval()
    shapes = [(k, tuple(v.shape)) for k, v in model.state_dict().items() if not (tied and k == "lm_head.weight")]
    state = tiny_state(shapes, TINY_SEED)
    if tied:
        state["lm_head.weight"] = state["model.embed_tokens.weight"]
    model.load_state_dict({k: torch.from_numpy(v) for k, v in state.items()}, strict=True)
    if tied and model.lm_head.weight.data_ptr() != model.model.embed_tokens.weight.data_ptr():
        raise AssertionError("tied model does not share lm_head and embed_tokens")
    return model.to(dtype), state


def _write_json(path: Path, obj: dict) -> None:
    path.write_text(json.dumps(obj, indent=2) + "\n", encoding="utf-8")


def _write_side_files(out: Path, tied: bool, tok: dict, tok_cfg: dict) -> None:
    _write_json(out / "config.json", tiny_config.config_json(tied))
    _write_json(out / "generation_config.json", tiny_config.GENERATION_CONFIG)
    _write_json(out / "preprocessor_config.json", tiny_config.PREPROCESSOR_CONFIG)
    tokenizer_files.write(out, tok, tok_cfg)


def _clean(out: Path) -> None:
    out.mkdir(parents=True, exist_ok=True)
    for f in out.iterdir():
        if f.is_file():
            f.unlink()


def new_name(old: str) -> str:
    """transformers >= 4.52 layout: ^visual -> model.visual, ^model -> model.language_model; lm_head unchanged."""
    if old.startswith("visual."):
        return "model." + old
    if old.startswith("model."):
        return "model.language_model." + old[len("model."):]
    return old


def write_all(main_dir: Path, tied_dir: Path, renamed_dir: Path, tokenizer_src: Path) -> dict:
    tok, tok_cfg = tokenizer_files.derive(tokenizer_src)

    _clean(main_dir)
    model, state = build_model(tied=False)
    model.save_pretrained(main_dir, safe_serialization=True)
    _write_side_files(main_dir, False, tok, tok_cfg)
    tokenizer_report = tokenizer_files.check_with_transformers(main_dir)

    _clean(tied_dir)
    tied_model, _ = build_model(tied=True)
    tied_model.save_pretrained(tied_dir, safe_serialization=True, max_shard_size=SHARD_SIZE)
    _write_side_files(tied_dir, True, tok, tok_cfg)

    _clean(renamed_dir)
    tied_tensors = {}
    index = json.loads((tied_dir / "model.safetensors.index.json").read_text())
    for shard in sorted(set(index["weight_map"].values())):
        tied_tensors.update(load_file(str(tied_dir / shard)))
    save_file({new_name(k): v for k, v in tied_tensors.items()}, str(renamed_dir / "model.safetensors"),
              metadata={"format": "pt"})
    _write_side_files(renamed_dir, True, tok, tok_cfg)

    verify(main_dir, tied_dir, renamed_dir, state)
    return {"seed": TINY_SEED, "tokenizer": tokenizer_report,
            "shards": sorted(set(index["weight_map"].values()))}


def verify(main_dir: Path, tied_dir: Path, renamed_dir: Path, state: dict[str, np.ndarray]) -> None:
    """Reload every variant and compare with the generated state, bit for bit."""
    from transformers import Qwen2_5_VLForConditionalGeneration

    for d, tied in ((main_dir, False), (tied_dir, True)):
        m = Qwen2_5_VLForConditionalGeneration.from_pretrained(str(d), torch_dtype=torch.float32)
        if m.config.tie_word_embeddings != tied:
            raise AssertionError(f"{d}: tie_word_embeddings is {m.config.tie_word_embeddings}")
        sd = m.state_dict()
        for k, v in state.items():
            want = state["model.embed_tokens.weight"] if (tied and k == "lm_head.weight") else v
            if not np.array_equal(sd[k].numpy(), want):
                raise AssertionError(f"{d}: {k} differs after reload")
    main = load_file(str(main_dir / "model.safetensors"))
    renamed = load_file(str(renamed_dir / "model.safetensors"))
    if set(renamed) != {new_name(k) for k in main if k != "lm_head.weight"}:
        raise AssertionError("new-naming variant has unexpected tensor names")
    for k, v in renamed.items():
        old = re.sub(r"^model\.language_model\.", "model.", re.sub(r"^model\.visual\.", "visual.", k))
        if v.dtype != torch.bfloat16 or not torch.equal(v, main[old]):
            raise AssertionError(f"new-naming tensor {k} differs from main {old}")
