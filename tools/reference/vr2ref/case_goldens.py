"""Write the golden sets of one case: the f32 set, and optionally its q4 and tied-embedding sets."""
from __future__ import annotations

from pathlib import Path

import numpy as np
import torch

from . import checks, run_case, video
from .cases import CASES, MAX_NEW_TOKENS, Case
from .goldens_io import GoldenSet, manifest_for_existing, sha256_file

CHECKPOINT_MAIN = "public/models/video-r2-tiny"
CHECKPOINT_TIED = "tools/reference/fixtures/checkpoints/tied-sharded"
READER = ("PyAV full decode, the semantics of qwen-vl-utils' decord/torchvision backends: total_frames = number of "
          "decoded frames, video_fps = the stream's average frame rate; frames converted to rgb24 by libswscale")


def text_run(model, inputs: dict, gen_config) -> dict:
    with torch.no_grad():
        fwd = model(**inputs, output_hidden_states=True, return_dict=True)
    gen = run_case.generate(model, inputs, gen_config)
    logits_last = fwd.logits[0, -1].numpy().copy()
    if not np.array_equal(logits_last, gen["logits_last"]):
        raise AssertionError("forward and generate disagree on the last prompt token's logits")
    ids = inputs["input_ids"][0].tolist()
    stats = run_case.attention_stats(gen["attn_rows"], ids, inputs["video_grid_thw"][0].tolist())
    return {"hidden": [h[0].numpy() for h in fwd.hidden_states], "logits_last": logits_last, "gen": gen,
            "stats": stats, "report": checks.numerics_report(gen, stats)}


def _text_tensors(run: dict, with_logits: bool) -> dict:
    t = {f"hidden_states.{i}": h for i, h in enumerate(run["hidden"])}
    if with_logits:
        t["logits_last"] = run["logits_last"]
    return t


def _generate_tensors(run: dict) -> dict:
    s = run["stats"]
    return {"tokens": np.array(run["gen"]["tokens"], dtype=np.int32), "attn_rows": run["gen"]["attn_rows"],
            "per_head_mass": s["per_head_mass"], "vas_attn": s["vas_attn"], "per_pair_mass": s["per_pair_mass"],
            "video_row_mean": s["video_row_mean"]}


def _generation_meta(run: dict, tokenizer, gen_config, prompt_len: int) -> dict:
    g = run["gen"]
    return {
        "config": {k: getattr(gen_config, k) for k in ("do_sample", "temperature", "top_k", "top_p",
                                                       "repetition_penalty", "eos_token_id")},
        "decoding": "argmax of the repetition-penalized float32 logits (top_k=1); the penalty covers every id in "
                    "the context, prompt and video pads included",
        "max_new_tokens": MAX_NEW_TOKENS, "tokens": g["tokens"],
        "text": tokenizer.decode(g["tokens"], skip_special_tokens=True),
        "attention_layer": g["last_layer"], "attn_rows_note": "attn_rows[g, h, :prompt_len + g] is the final "
        "layer's softmax row of the query that produced token g (g = 0: the last prompt row); the rest is zero",
        "prompt_len": prompt_len,
        "steps": [{"top_ids": s["top_ids"], "top_penalized": s["top_penalized"], "top_raw": s["top_raw"],
                   "raw_argmax": s["raw_argmax"]} for s in g["steps"]],
        "run_vas_attn_all": run["stats"]["run_vas_attn_all"], "video_span": run["stats"]["video_span"],
    }


def _verify_expectations(case: Case, fetched: dict, inputs: dict, t_positions: list[int]) -> None:
    e = case.expect
    got = {"nframes": fetched["nframes"], "resized_hw": list(fetched["resized_hw"]),
           "grid": inputs["video_grid_thw"][0].tolist(),
           "second_per_grid_ts": float(inputs["second_per_grid_ts"][0]), "t_positions": t_positions}
    for k, v in e.items():
        if got[k] != v:
            raise AssertionError(f"{case.name}: {k} is {got[k]}, the case expects {v}")


def write_videos(video_root: Path, repo_root: Path, force: bool) -> None:
    """Encode the cases' source videos (only when missing, or forced: libx264 output is not reproducible)."""
    video_root.mkdir(parents=True, exist_ok=True)
    for case in CASES:
        path = video_root / f"{case.name}.mp4"
        if force or not path.exists():
            video.encode_mp4(video.draw_frames(case.frames, case.height, case.width, case.style), case.fps, path)
    manifest_for_existing(video_root, repo_root, "videos", "videos",
                          "Source videos of the golden cases: frames drawn by vr2ref.video.draw_frames, H.264 "
                          "(libx264 crf 16, preset medium, B-frames) in MP4. Committed inputs: re-encoding is not "
                          "bit-reproducible, so `generate.py videos --force` changes every case golden.",
                          "videos --force")


def write_case(case: Case, out_root: Path, repo_root: Path, model, q4_model, tied_model, processor,
               gen_config, seed: int, video_root: Path) -> dict:
    mp4 = video_root / f"{case.name}.mp4"
    inputs, info = run_case.prepare_inputs(case, mp4, processor)
    fetched, decoded = info["fetched"], info["decoded"]
    pv = inputs["pixel_values_videos"].numpy()
    ip = processor.image_processor
    run_case.check_pixel_values(pv, fetched["resized_rgb"], ip.image_mean, ip.image_std)

    grid = inputs["video_grid_thw"]
    pos, delta = model.get_rope_index(inputs["input_ids"], None, grid, inputs["second_per_grid_ts"],
                                      inputs["attention_mask"])
    ids = inputs["input_ids"][0].tolist()
    v0 = ids.index(run_case.VIDEO_PAD)
    per_t = int(grid[0, 1] * grid[0, 2]) // 4
    t_positions = [int(pos[0, 0, v0 + k * per_t] - pos[0, 0, v0]) for k in range(int(grid[0, 0]))]
    _verify_expectations(case, fetched, inputs, t_positions)

    vis = run_case.vision_taps(model, inputs["pixel_values_videos"], grid)
    run = text_run(model, inputs, gen_config)
    if not np.array_equal(run["hidden"][0][v0:v0 + vis["output"].shape[0]], vis["output"].numpy()):
        raise AssertionError("video rows of the input embeddings differ from the vision tower output")
    bad = checks.failures(run["report"], need_penalty_flip=case.penalty_flip)
    if bad:
        raise AssertionError(f"{case.name}: golden is not numerically interesting: {bad}")

    gs = GoldenSet(out_root / case.name, case.name, "case", case.description, case.exercises, seed)
    gs.tensors("inputs.safetensors", {
        "frames_sampled_rgb": fetched["sampled_rgb"], "frames_resized_rgb": fetched["resized_rgb"],
        "pixel_values_videos": pv, "video_grid_thw": grid.numpy().astype(np.int32),
        "second_per_grid_ts": np.array(inputs["second_per_grid_ts"], dtype=np.float32),
        "input_ids": np.array(ids, dtype=np.int32), "position_ids": pos[:, 0, :].numpy().astype(np.int32),
    })
    gs.tensors("vision.safetensors", {
        "patch_embed": vis["taps"]["patch_embed"].numpy(),
        **{f"blocks.{b}": vis["taps"][f"block.{b}"].numpy() for b in range(len(model.visual.blocks))},
        "output": vis["output"].numpy(), "window_index": np.array(vis["window_index"], dtype=np.int32),
    })
    gs.tensors("text.safetensors", _text_tensors(run, with_logits=True))
    gs.tensors("generate.safetensors", _generate_tensors(run))
    meta = {
        "checkpoint": CHECKPOINT_MAIN, "dtype": "float32 (bf16 weights upcast)", "attn_implementation": "eager",
        "video": {"file": mp4.relative_to(repo_root).as_posix(), "sha256": sha256_file(mp4), "codec": decoded.codec, "width": case.width, "height": case.height,
                  "encoded_fps": case.fps, "total_frames": decoded.total_frames, "video_fps": decoded.video_fps,
                  "reader": READER},
        "element": case.element, "fps_max_frames": 32,
        "sampling": {k: fetched[k] for k in ("nframes", "indices", "sample_fps", "min_pixels", "max_pixels")}
        | {"resized_hw": list(fetched["resized_hw"])},
        "prompt": {"text": info["prompt"], "user_text_item": case.text, "input_ids": ids, "length": len(ids)},
        "video_grid_thw": grid[0].tolist(), "second_per_grid_ts": float(inputs["second_per_grid_ts"][0]),
        "second_per_grid_ts_note": "2 / sample_fps as a Python float (the processor returns a list); get_rope_index "
                                   "computes trunc(float32(float32(k) * float32(s)) * 2) (transformers 4.51)",
        "t_positions": t_positions, "rope_delta": int(delta[0, 0]),
        "vision": {"window_index": vis["window_index"], "cu_window_seqlens": vis["cu_window_seqlens"],
                   "cu_seqlens": vis["cu_seqlens"], "fullatt_block_indexes": model.config.vision_config.fullatt_block_indexes,
                   "taps": "patch_embed: raster (processor) row order; blocks.i: output of block i in window order; "
                           "output: after the merger, raster order (= the <|video_pad|> rows)"},
        "text": {"hidden_states": "hidden_states.0 = input embeddings (video rows scattered in); hidden_states.i "
                                  "= output of decoder layer i-1; the last one is after the final RMSNorm",
                 "logits_last": "logits of the last prompt token, float32"},
        "generation": _generation_meta(run, processor.tokenizer, gen_config, len(ids)),
        "numerics": run["report"],
    }
    gs.json("meta.json", meta)
    gs.finish(repo_root, "goldens")
    written = {case.name: run["report"]}

    if case.q4:
        written[f"{case.name}-q4"] = _write_variant(
            case, out_root, repo_root, q4_model, inputs, processor, gen_config, seed, "q4",
            "The same inputs through the q4 quantize-dequantized text model (ARCHITECTURE.md §4: q/k/v/o, "
            "gate/up/down, embed_tokens, lm_head); vision tower, biases and norms unchanged.", with_logits=True)
    if case.tied:
        written[f"{case.name}-tied"] = _write_variant(
            case, out_root, repo_root, tied_model, inputs, processor, gen_config, seed, "tied",
            "The same inputs through the tied-embedding checkpoint (lm_head = embed_tokens; every other tensor equal "
            "to the main checkpoint's).", with_logits=False)
    return written


def _write_variant(case, out_root, repo_root, model, inputs, processor, gen_config, seed, variant, description,
                   with_logits):
    run = text_run(model, inputs, gen_config)
    min_distinct = 4 if variant == "tied" else checks.MIN_DISTINCT  # a tied random LM loves repeating itself
    bad = checks.failures(run["report"], min_distinct=min_distinct)
    if bad:
        raise AssertionError(f"{case.name}-{variant}: golden is not numerically interesting: {bad}")
    name = f"{case.name}-{variant}"
    gs = GoldenSet(out_root / name, name, f"case-{variant}", description, case.exercises, seed)
    gs.tensors("text.safetensors", _text_tensors(run, with_logits))
    gs.tensors("generate.safetensors", _generate_tensors(run))
    ids = inputs["input_ids"][0].tolist()
    gs.json("meta.json", {
        "inputs_from": case.name, "variant": variant,
        "checkpoint": CHECKPOINT_TIED if variant == "tied" else CHECKPOINT_MAIN,
        "q4": {"scheme": "ARCHITECTURE.md §4", "tensors": "model.layers.*.self_attn.{q,k,v,o}_proj.weight, "
               "model.layers.*.mlp.{gate,up,down}_proj.weight, model.embed_tokens.weight, lm_head.weight"}
        if variant == "q4" else None,
        "text": {"logits_last": "present" if with_logits else "absent (see generation.steps top-k)"},
        "generation": _generation_meta(run, processor.tokenizer, gen_config, len(ids)),
        "numerics": run["report"],
    })
    gs.finish(repo_root, "goldens")
    return run["report"]
