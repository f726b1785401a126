"""The onnxruntime-web peer: the bench model's text half as an ONNX graph for the WebGPU EP, carrying exactly the
q4 weights our engine computes with.

1. onnxruntime-genai's model builder turns the Qwen2ForCausalLM folder into its WebGPU graph (`-p int4 -e webgpu`,
   `use_webgpu_fp32`: f32 activations and I/O; GroupQueryAttention with fused rotary, MatMulNBits, SkipSimplified-
   LayerNormalization, GatherBlockQuantized embeddings, lm_head pruned to the last row as our engine does).
2. Every MatMulNBits / GatherBlockQuantized initializer is then overwritten with ARCHITECTURE.md §4's q4 of the same
   bf16 weights. The formats coincide: MatMulNBits without zero points dequantizes (nibble - 8) * scale with the
   low nibble first, which is our `q + 8` nibble stream byte for byte; GatherBlockQuantized stores signed int4 q.
   Scales are our f16 scales widened to f32 (exact). Before overwriting, each builder tensor is dequantized and
   compared with the source matrix it should hold, so a wrong name mapping fails loudly.
"""
from __future__ import annotations

import subprocess
import sys
from pathlib import Path

import numpy as np
import onnx
import torch
from onnx import numpy_helper

from .quant import QuantTensor, quantize


def run_builder(hf_dir: Path, out: Path, cache: Path, accuracy_level: int) -> None:
    cmd = [
        sys.executable, "-m", "onnxruntime_genai.models.builder",
        "-i", str(hf_dir), "-o", str(out), "-p", "int4", "-e", "webgpu", "-c", str(cache),
        "--extra_options", "use_webgpu_fp32=true", "prune_lm_head=true", "op_types_to_quantize=MatMul/Gather",
        f"accuracy_level={accuracy_level}", "block_size=32", "is_symmetric=true",
    ]
    r = subprocess.run(cmd, capture_output=True, text=True)
    if r.returncode != 0:
        raise RuntimeError(f"onnxruntime-genai model builder failed:\n{r.stdout[-4000:]}\n{r.stderr[-4000:]}")


def _source_matrix(node_name: str, state: dict[str, torch.Tensor]) -> np.ndarray:
    """The HF weight [N, K] a builder node computes with (its name is /model/layers.{i}/{attn|mlp}/{proj}/...)."""
    f32 = lambda n: state[n].to(torch.float32).numpy()  # noqa: E731 (bf16 -> f32 is exact)
    parts = node_name.strip("/").split("/")
    if parts[0] == "lm_head":
        return f32("lm_head.weight")
    if parts[:2] == ["model", "embed_tokens"]:
        return f32("model.embed_tokens.weight")
    layer = parts[1]  # "layers.3"
    proj = parts[3]
    p = f"model.{layer}"
    if proj == "qkv_proj":
        return np.concatenate([f32(f"{p}.self_attn.{x}_proj.weight") for x in "qkv"], axis=0)
    if proj in ("q_proj", "k_proj", "v_proj", "o_proj"):
        return f32(f"{p}.self_attn.{proj}.weight")
    if proj in ("gate_proj", "up_proj", "down_proj"):
        return f32(f"{p}.mlp.{proj}.weight")
    raise ValueError(f"cannot map builder node {node_name} to a checkpoint tensor")


def _unpack_nibbles(raw: np.ndarray, n: int, k: int) -> np.ndarray:
    b = raw.reshape(n, -1)
    lo, hi = b & 0x0F, b >> 4
    return np.stack([lo, hi], axis=2).reshape(n, -1)[:, :k].astype(np.int16)


def _pack_nibbles(nib: np.ndarray) -> np.ndarray:
    n, k = nib.shape
    pairs = nib.astype(np.uint8).reshape(n, k // 2, 2)
    return (pairs[:, :, 0] | (pairs[:, :, 1] << 4)).astype(np.uint8)


def _check_close(name: str, builder_dq: np.ndarray, src: np.ndarray) -> float:
    rel = float(np.abs(builder_dq - src).max() / np.abs(src).max())
    if rel > 0.2:  # q4 rounding moves a weight by at most ~1/14 of its group's extreme
        raise AssertionError(f"{name}: the builder's weights differ from the mapped source by {rel:.3f} (wrong mapping?)")
    return rel


def replace_q4(model_path: Path, state: dict[str, torch.Tensor]) -> int:
    """Rewrites the builder's q4 tensors with ours; returns how many nodes were rewritten."""
    model = onnx.load(str(model_path), load_external_data=True)
    inits = {t.name: t for t in model.graph.initializer}
    done = 0
    for node in model.graph.node:
        if node.op_type not in ("MatMulNBits", "GatherBlockQuantized"):
            continue
        attrs = {a.name: onnx.helper.get_attribute_value(a) for a in node.attribute}
        if attrs.get("block_size") != 32 or attrs.get("bits", 4) != 4:
            raise ValueError(f"{node.name}: expected 4-bit blocks of 32, got {attrs}")
        if len(node.input) > 3 and node.input[3]:
            raise ValueError(f"{node.name}: has zero points (asymmetric), expected symmetric q4")
        src = _source_matrix(node.name, state)
        ours: QuantTensor = quantize(src, "q4")
        n, k = src.shape
        if node.op_type == "MatMulNBits":
            b_t, s_t = inits[node.input[1]], inits[node.input[2]]
            b, s = numpy_helper.to_array(b_t), numpy_helper.to_array(s_t).astype(np.float32)
            if (attrs["N"], attrs["K"]) != (n, k) or b.shape != (n, k // 32, 16):
                raise ValueError(f"{node.name}: shape N={attrs['N']} K={attrs['K']} B{b.shape} vs source {src.shape}")
            dq = (_unpack_nibbles(b, n, k) - 8).astype(np.float32) * np.repeat(s.reshape(n, -1), 32, axis=1)
            _check_close(node.name, dq, src)
            new_b = _pack_nibbles((ours.q.astype(np.int16) + 8)).reshape(n, k // 32, 16)
        else:
            if attrs.get("gather_axis", 0) != 0 or attrs.get("quantize_axis") != 1:
                raise ValueError(f"{node.name}: expected gather_axis 0 / quantize_axis 1, got {attrs}")
            b_t, s_t = inits[node.input[0]], inits[node.input[2]]
            if b_t.data_type != onnx.TensorProto.INT4:
                raise ValueError(f"{node.name}: expected signed int4 data, got {onnx.TensorProto.DataType.Name(b_t.data_type)}")
            s = numpy_helper.to_array(s_t).astype(np.float32)
            raw = np.frombuffer(b_t.raw_data, dtype=np.uint8)
            q = _unpack_nibbles(raw, n, k)
            q = np.where(q >= 8, q - 16, q).astype(np.float32)
            _check_close(node.name, q * np.repeat(s.reshape(n, -1), 32, axis=1), src)
            new_b = _pack_nibbles(ours.q.astype(np.int16) & 0x0F)
        scales = ours.scales.astype(np.float32).reshape(numpy_helper.to_array(s_t).shape)
        b_t.ClearField("raw_data")
        b_t.raw_data = new_b.tobytes()
        s_t.CopyFrom(numpy_helper.from_array(scales.astype(numpy_helper.to_array(s_t).dtype), s_t.name))
        done += 1
    data = model_path.name + ".data"
    (model_path.parent / data).unlink(missing_ok=True)
    onnx.save_model(model, str(model_path), save_as_external_data=True, all_tensors_to_one_file=True, location=data, size_threshold=1024)
    return done
