"""Checks the ONNX twin before the browser ever sees it: onnxruntime (CPU EP) against transformers' Qwen2 with the
same q4-dequantized weights, f32, on a short prompt (prefill logits) and one decode step through the KV cache.
A wrong weight mapping, nibble order or rotary layout shows up as an O(1) logit error, far above f32 noise."""
from __future__ import annotations

from pathlib import Path

import numpy as np
import onnxruntime as ort
import torch

from .quant import quantize

QUANTIZED = ("q_proj", "k_proj", "v_proj", "o_proj", "gate_proj", "up_proj", "down_proj")


def _reference_model(hf_dir: Path, state: dict[str, torch.Tensor]):
    from transformers import Qwen2ForCausalLM

    model = Qwen2ForCausalLM.from_pretrained(str(hf_dir), torch_dtype=torch.float32).eval()
    deq = {}
    for name, t in state.items():
        if name.startswith("visual."):
            continue
        is_q4 = name in ("lm_head.weight", "model.embed_tokens.weight") or (name.endswith(".weight") and name.split(".")[-2] in QUANTIZED)
        w = t.to(torch.float32)
        deq[name] = torch.from_numpy(quantize(w.numpy(), "q4").dequantize()) if is_q4 else w
    missing, unexpected = model.load_state_dict(deq, strict=False)
    if unexpected or [m for m in missing if "rotary" not in m]:
        raise AssertionError(f"reference model: missing {missing}, unexpected {unexpected}")
    return model


def verify(onnx_path: Path, hf_dir: Path, state: dict[str, torch.Tensor], kv_heads: int, head_dim: int, layers: int, tol: float, seed: int = 1) -> dict:
    rng = np.random.default_rng(seed)
    prompt = rng.integers(0, 151643, size=12).astype(np.int64)
    sess = ort.InferenceSession(str(onnx_path), providers=["CPUExecutionProvider"])
    empty = np.zeros((1, kv_heads, 0, head_dim), dtype=np.float32)
    feeds = {"input_ids": prompt[None, :], "attention_mask": np.ones((1, prompt.size), dtype=np.int64)}
    for i in range(layers):
        feeds[f"past_key_values.{i}.key"] = empty
        feeds[f"past_key_values.{i}.value"] = empty
    names = [o.name for o in sess.get_outputs()]
    out = dict(zip(names, sess.run(names, feeds)))
    first = out["logits"][0, -1]
    nxt = int(first.argmax())
    feeds = {"input_ids": np.array([[nxt]], dtype=np.int64), "attention_mask": np.ones((1, prompt.size + 1), dtype=np.int64)}
    for i in range(layers):
        feeds[f"past_key_values.{i}.key"] = out[f"present.{i}.key"]
        feeds[f"past_key_values.{i}.value"] = out[f"present.{i}.value"]
    second = dict(zip(names, sess.run(names, feeds)))["logits"][0, -1]

    model = _reference_model(hf_dir, state)
    with torch.no_grad():
        ids = torch.from_numpy(np.concatenate([prompt, [nxt]]))[None, :]
        ref = model(input_ids=ids).logits[0].numpy()
    errs = {
        "prefill": float(np.abs(first - ref[-2]).max() / np.abs(ref[-2]).max()),
        "decode": float(np.abs(second - ref[-1]).max() / np.abs(ref[-1]).max()),
    }
    for k, v in errs.items():
        if not v < tol:
            raise AssertionError(f"ONNX twin vs transformers ({k} logits): relative error {v:.2e} ≥ {tol:.0e}")
    return errs
