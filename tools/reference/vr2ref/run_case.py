"""Run one golden case through transformers 4.51.1 in float32 with eager attention and collect every output."""
from __future__ import annotations

from pathlib import Path

import numpy as np
import torch

from . import sampling, video
from .cases import MAX_NEW_TOKENS, Case

VIDEO_PAD = 151656
FIRST_SPECIAL = 151643
TOP_K_RECORDED = 8


def load_processor(model_dir: Path):
    from transformers import AutoProcessor

    proc = AutoProcessor.from_pretrained(str(model_dir))
    name = type(proc.image_processor).__name__
    if name != "Qwen2VLImageProcessor":  # 4.51.1's default (slow) processor: what Video-R2's demo gets
        raise AssertionError(f"unexpected image processor {name}")
    return proc


def prepare_inputs(case: Case, video_path: Path, processor) -> tuple[dict, dict]:
    decoded = video.decode_all(video_path)
    fetched = sampling.fetch_video(dict(case.element), decoded.frames, decoded.video_fps)
    messages = [{"role": "user", "content": [{"type": "video", "video": video_path.name, **case.element},
                                             {"type": "text", "text": case.text}]}]
    prompt = processor.apply_chat_template(messages, tokenize=False, add_generation_prompt=True)
    inputs = processor(text=[prompt], videos=[fetched["video"]], fps=[fetched["sample_fps"]],
                       padding=True, return_tensors="pt")
    info = {"decoded": decoded, "fetched": fetched, "prompt": prompt}
    return dict(inputs), info


def check_pixel_values(pixel_values: np.ndarray, resized_rgb: np.ndarray, mean, std) -> None:
    """Independent patchify of the resized uint8 frames (docs/model.md §2.7); must equal the processor's output."""
    n, h, w, _ = resized_rgb.shape
    v = (resized_rgb.astype(np.float64) * (1 / 255)).astype(np.float32)
    v = (v - np.array(mean, dtype=np.float32)) / np.array(std, dtype=np.float32)
    t, gh, gw = n // 2, h // 14, w // 14
    x = v.reshape(t, 2, gh // 2, 2, 14, gw // 2, 2, 14, 3)
    # rows (t, bh, bw, mh, mw); columns (c, tt, py, px)
    x = x.transpose(0, 2, 5, 3, 6, 8, 1, 4, 7).reshape(t * gh * gw, 3 * 2 * 14 * 14)
    if not np.array_equal(x, pixel_values):
        raise AssertionError(f"pixel_values differ from the independent patchify (max {np.abs(x - pixel_values).max()})")


def vision_taps(model, pixel_values: torch.Tensor, grid_thw: torch.Tensor) -> dict:
    visual = model.visual
    taps: dict[str, torch.Tensor] = {}
    hooks = [visual.patch_embed.register_forward_hook(lambda m, i, o: taps.__setitem__("patch_embed", o.detach()))]
    for b, blk in enumerate(visual.blocks):
        hooks.append(blk.register_forward_hook(
            lambda m, i, o, b=b: taps.__setitem__(f"block.{b}", o.detach())))
    try:
        with torch.no_grad():
            out = visual(pixel_values.to(visual.dtype), grid_thw=grid_thw)
    finally:
        for h in hooks:
            h.remove()
    window_index, cu_window = visual.get_window_index(grid_thw)
    cu_window = torch.unique_consecutive(torch.tensor(cu_window, dtype=torch.int32)).tolist()
    cu_full = torch.nn.functional.pad(
        torch.repeat_interleave(grid_thw[:, 1] * grid_thw[:, 2], grid_thw[:, 0]).cumsum(0), (1, 0)).tolist()
    return {"output": out, "taps": taps, "window_index": window_index.tolist(),
            "cu_window_seqlens": cu_window, "cu_seqlens": cu_full}


def penalized(raw: torch.Tensor, context: torch.Tensor, penalty: float) -> torch.Tensor:
    """HF RepetitionPenaltyLogitsProcessor on one row: every id present in the context, prompt included."""
    scores = raw.clone().unsqueeze(0)
    ids = context.unsqueeze(0)
    s = torch.gather(scores, 1, ids)
    s = torch.where(s < 0, s * penalty, s / penalty)
    scores.scatter_(1, ids, s)
    return scores[0]


def generate(model, inputs: dict, gen_config) -> dict:
    torch.manual_seed(0)  # do_sample with top_k=1 is deterministic; the seed only pins the sampler's RNG state
    with torch.no_grad():
        out = model.generate(**inputs, generation_config=gen_config, max_new_tokens=MAX_NEW_TOKENS,
                             output_attentions=True, output_logits=True, return_dict_in_generate=True)
    prompt_len = inputs["input_ids"].shape[1]
    seq = out.sequences[0]
    tokens = seq[prompt_len:].tolist()
    if len(tokens) != MAX_NEW_TOKENS:
        raise AssertionError(f"generation stopped after {len(tokens)} tokens (eos?) {tokens}")
    last_layer = len(out.attentions[0]) - 1
    heads = out.attentions[0][last_layer].shape[1]
    width = prompt_len + MAX_NEW_TOKENS - 1
    rows = np.zeros((MAX_NEW_TOKENS, heads, width), dtype=np.float32)
    steps = []
    for g in range(MAX_NEW_TOKENS):
        a = out.attentions[g][last_layer][0]  # [H, q, kv]
        kv = prompt_len + g
        if a.shape[-1] != kv:
            raise AssertionError(f"step {g}: attention over {a.shape[-1]} keys, expected {kv}")
        rows[g, :, :kv] = a[:, -1, :].numpy()
        raw = out.logits[g][0]
        pen = penalized(raw, seq[: prompt_len + g], gen_config.repetition_penalty)
        top = torch.topk(pen, TOP_K_RECORDED)
        if int(top.indices[0]) != tokens[g]:
            raise AssertionError(f"step {g}: argmax of penalized logits {int(top.indices[0])} != token {tokens[g]}")
        steps.append({"top_ids": top.indices.tolist(), "top_penalized": top.values.numpy(),
                      "top_raw": raw[top.indices].numpy(), "raw_argmax": int(raw.argmax())})
    return {"tokens": tokens, "attn_rows": rows, "steps": steps,
            "logits_last": out.logits[0][0].numpy().copy(), "last_layer": last_layer}


def attention_stats(rows: np.ndarray, input_ids: list[int], grid_thw: list[int]) -> dict:
    """docs/attention.md §3 quantities from the final-layer rows (sums in float64, stored as float32)."""
    pads = [i for i, t in enumerate(input_ids) if t == VIDEO_PAD]
    v0, v1 = pads[0], pads[-1] + 1
    if pads != list(range(v0, v1)):
        raise AssertionError("video pads are not contiguous")
    t, h, w = grid_thw
    per_pair = (h // 2) * (w // 2)
    video = rows[:, :, v0:v1].astype(np.float64)                # [G, H, |V|]
    per_head = video.sum(axis=2)                                 # m_h(t)
    vas = per_head.mean(axis=1)                                  # VAS-attn(t)
    pair = video.reshape(video.shape[0], video.shape[1], t, per_pair).sum(axis=3).mean(axis=1)  # M_t(g)
    row_mean = video.mean(axis=1)                                # head-mean row over V
    return {"video_span": [v0, v1], "per_head_mass": per_head.astype(np.float32), "vas_attn": vas.astype(np.float32),
            "per_pair_mass": pair.astype(np.float32), "video_row_mean": row_mean.astype(np.float32),
            "run_vas_attn_all": float(np.float32(vas.mean()))}
