"""Builds the models `npm run bench` runs (idempotent: a complete folder with its manifest is reused).

  tools/bench/.venv/bin/python tools/bench/make_models.py --out bench/models [--layers 24 --vision-depth 2 ...]

Writes, under --out:
  text-<shape>/onnx/        the ONNX twin for onnxruntime-web (model.onnx + model.onnx.data), our q4 weights
  text-<shape>/vl-<shape>/  the Qwen2.5-VL checkpoint (text weights + a vision tower with 7B-shaped blocks)
and prints one JSON line {"vl": ..., "onnx": ..., "manifest": {...}} as its last line of output.
"""
from __future__ import annotations

import argparse
import json
import shutil
import sys
import time
from dataclasses import asdict
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parent))

from benchgen.checkpoints import write_qwen2, write_vl  # noqa: E402
from benchgen.random_weights import random_state  # noqa: E402
from benchgen.shapes import TextShape, VisionShape  # noqa: E402

GENERATOR_VERSION = 1


def text_key(t: TextShape, seed: int, accuracy_level: int) -> str:
    return f"text-h{t.hidden}-l{t.layers}-a{t.heads}-kv{t.kv_heads}-i{t.intermediate}-v{t.vocab}-s{seed}-acc{accuracy_level}-g{GENERATOR_VERSION}"


def vision_key(v: VisionShape) -> str:
    return f"vl-h{v.hidden}-d{v.depth}-a{v.heads}-i{v.intermediate}"


def log(msg: str) -> None:
    print(f"[make_models] {msg}", flush=True)


def build_onnx(root: Path, text: TextShape, state, accuracy_level: int) -> dict:
    from benchgen.onnx_twin import replace_q4, run_builder
    from benchgen.verify import verify

    hf, onnx_dir, cache = root / "hf-qwen2", root / "onnx", root / "builder-cache"
    for d in (hf, onnx_dir, cache):
        shutil.rmtree(d, ignore_errors=True)
    text_state = {k: v for k, v in state.items() if not k.startswith("visual.")}
    write_qwen2(hf, text, text_state)
    t0 = time.time()
    log("running the onnxruntime-genai model builder (int4, WebGPU, f32 I/O)…")
    run_builder(hf, onnx_dir, cache, accuracy_level)
    log(f"builder done in {time.time() - t0:.0f} s; writing our q4 weights into the graph…")
    n = replace_q4(onnx_dir / "model.onnx", text_state)
    log(f"rewrote {n} q4 tensors; verifying with onnxruntime (CPU) against transformers…")
    # accuracy_level 4 makes the CPU EP quantize activations to int8: only a loose check is meaningful then.
    errs = verify(onnx_dir / "model.onnx", hf, text_state, text.kv_heads, text.head_dim, text.layers, tol=2e-3 if accuracy_level < 4 else 5e-2)
    log(f"verified: relative logit error prefill {errs['prefill']:.1e}, decode {errs['decode']:.1e}")
    shutil.rmtree(hf)
    shutil.rmtree(cache, ignore_errors=True)
    return {"q4_tensors_rewritten": n, "verify_rel_error": errs}


def main() -> None:
    p = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    d = TextShape()
    p.add_argument("--out", required=True, type=Path)
    p.add_argument("--hidden", type=int, default=d.hidden)
    p.add_argument("--layers", type=int, default=d.layers)
    p.add_argument("--heads", type=int, default=d.heads)
    p.add_argument("--kv-heads", type=int, default=d.kv_heads)
    p.add_argument("--intermediate", type=int, default=d.intermediate)
    p.add_argument("--vocab", type=int, default=d.vocab)
    v = VisionShape()
    p.add_argument("--vision-hidden", type=int, default=v.hidden)
    p.add_argument("--vision-depth", type=int, default=v.depth)
    p.add_argument("--vision-heads", type=int, default=v.heads)
    p.add_argument("--vision-intermediate", type=int, default=v.intermediate)
    p.add_argument("--accuracy-level", type=int, default=0, choices=[0, 1, 4], help="MatMulNBits accuracy_level (0/1: f32 activations; 4: int8 activations)")
    p.add_argument("--seed", type=int, default=20260)
    p.add_argument("--no-onnx", action="store_true", help="only the Qwen2.5-VL checkpoint")
    a = p.parse_args()

    text = TextShape(a.hidden, a.layers, a.heads, a.kv_heads, a.intermediate, a.vocab)
    text.check()
    vision = VisionShape(a.vision_hidden, a.vision_depth, a.vision_heads, a.vision_intermediate)
    troot = a.out.resolve() / text_key(text, a.seed, a.accuracy_level)
    vl_dir = troot / vision_key(vision)
    manifest_path = troot / "manifest.json"
    manifest = json.loads(manifest_path.read_text()) if manifest_path.exists() else {"text": asdict(text), "seed": a.seed, "accuracy_level": a.accuracy_level}
    need_onnx = not a.no_onnx and "onnx" not in manifest
    need_vl = not (vl_dir / "done.json").exists()
    if need_onnx or need_vl:
        t0 = time.time()
        shapes = {**text.tensors(), **(vision.tensors(text.hidden) if need_vl else {})}
        log(f"generating {sum(_numel(s) for s in shapes.values()) / 1e6:.0f} M random parameters (seed {a.seed})…")
        state = random_state(a.seed, shapes)
        log(f"generated in {time.time() - t0:.0f} s")
        if need_vl:
            shutil.rmtree(vl_dir, ignore_errors=True)
            write_vl(vl_dir, text, vision, state)
            (vl_dir / "done.json").write_text(json.dumps({"vision": asdict(vision)}) + "\n")
            log(f"wrote {vl_dir}")
        if need_onnx:
            manifest_path.unlink(missing_ok=True)
            manifest["onnx"] = build_onnx(troot, text, state, a.accuracy_level)
            manifest_path.write_text(json.dumps(manifest, indent=2) + "\n")
    else:
        log(f"reusing {troot}")
    print(json.dumps({"vl": str(vl_dir), "onnx": None if a.no_onnx else str(troot / "onnx"), "manifest": manifest}))


def _numel(shape: tuple[int, ...]) -> int:
    n = 1
    for s in shape:
        n *= s
    return n


if __name__ == "__main__":
    main()
