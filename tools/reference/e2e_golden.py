#!/usr/bin/env python3
"""The end-to-end golden: a video file whose decoded RGB is identical in Chromium and in the reference decoder,
and the tokens the tiny checkpoint generates for it (transformers 4.51.1), for the Playwright parity test.

  tools/reference/.venv/bin/python tools/reference/e2e_golden.py [--force-video]

Writes tools/reference/fixtures/goldens/e2e-grey-lossless/ (kind "case-e2e") and its fixtures/index.json entry.

Why this video decodes to the same RGB everywhere:
- H.264 lossless (libx264 qp 0, High 4:4:4 Predictive profile, yuv420p; x264 turns B-frames off when lossless): the
  decoded YUV is exactly the YUV we drew, in every conforming decoder.
- Luma only: U = V = 128 everywhere, so chroma upsampling/siting cannot matter, and every luma value is one of
  AGREE_LEVELS, the grey levels whose YUV->RGB conversion (BT.601 limited, untagged) is identical in libswscale's
  rgb24 (PyAV, the reference reader) and in Chromium's VideoFrame.copyTo(RGBA) as our media pipeline calls it.
  Measured once with a probe video of all 256 levels in 16x16 blocks (U = V = 128), decoded by both: 158 of 256
  levels agree, the others differ by one (e.g. Y=20 -> 4 in swscale, 5 in Chromium).
- The Playwright test (e2e/ask-parity.spec.ts) re-verifies it every run: with an identity resize it compares every
  sampled frame our pipeline decoded with frames_sampled_rgb below, byte for byte, before asking.
The video bytes are kept once written (libx264 is deterministic here, but a committed input is safer); the golden is
reproducible from them.
"""
from __future__ import annotations

import argparse
import json
import os
import sys
from fractions import Fraction
from pathlib import Path

import numpy as np

HERE = Path(__file__).resolve().parent
REPO = HERE.parents[1]
sys.path.insert(0, str(HERE))

NAME = "e2e-grey-lossless"
OUT = HERE / "fixtures/goldens" / NAME
VIDEO = "video.mp4"
MAIN_DIR = REPO / "public/models/video-r2-tiny"

WIDTH, HEIGHT, FPS, FRAMES = 224, 112, 12, 48
AGREE_LEVELS = (
    list(range(0, 20)) + [23, 24, 25, 29, 30, 31, 35, 36, 37, 41, 42, 43, 47, 48, 49, 53, 54, 55, 59, 60, 61, 65, 66,
                          67, 71, 72, 73, 77, 78, 79, 80, 83, 84, 85, 86, 89, 90, 91, 92, 96, 97, 98, 102, 103, 104,
                          108, 109, 110, 114, 115, 116, 120, 121, 122, 126, 127, 128, 132, 133, 134, 138, 139, 140,
                          144, 145, 146, 147, 150, 151, 152, 153, 156, 157, 158, 159, 162, 163, 164, 165, 169, 170,
                          171, 175, 176, 177, 181, 182, 183, 187, 188, 189, 193, 194, 195, 199, 200, 201, 205, 206,
                          207, 208, 211, 212, 213, 214, 217, 218, 219, 220, 223, 224, 225, 226, 229, 230, 231, 232]
    + list(range(235, 256))
)
# Fourteen well-separated levels from AGREE_LEVELS, one per 16-px background column.
PALETTE = (16, 30, 48, 66, 84, 102, 120, 139, 157, 175, 194, 212, 230, 235)

# The app's prompt parts (system, question, Video-R2 reasoning suffix); the user text is "\n{question}\n{suffix}".
SYSTEM = "You are a helpful assistant."
QUESTION = "What is happening in this video?"
ELEMENT = {"nframes": 4, "min_pixels": 3136, "max_pixels": 15680}
# The setting the test first uses to see the decoded frames unresized (112 x 224 is already a multiple of 28).
IDENTITY_PIXELS = WIDTH * HEIGHT


def draw_luma(i: int) -> np.ndarray:
    """Frame i's luma: shifting palette columns, a white square moving right, a dark disc bouncing down and up,
    and the frame index as 8 bars along the bottom."""
    yy, xx = np.mgrid[0:HEIGHT, 0:WIDTH]
    col = (xx // 16 + i // 3) % len(PALETTE)
    y = np.asarray(PALETTE, dtype=np.uint8)[col]
    side = 32
    x0 = round((WIDTH - side) * i / (FRAMES - 1))
    y[12:12 + side, x0:x0 + side] = 255
    phase = (i % 24) / 12
    cy = round(14 + (HEIGHT - 44) * (phase if phase <= 1 else 2 - phase))
    y[(yy - cy) ** 2 + (xx - 160) ** 2 < 13 ** 2] = 0
    for b in range(8):
        y[HEIGHT - 8:, b * 28:(b + 1) * 28] = 212 if (i >> b) & 1 else 30
    if not np.isin(y, AGREE_LEVELS).all():
        raise AssertionError("a luma value outside AGREE_LEVELS")
    return y


def encode(path: Path) -> None:
    import av

    with av.open(str(path), mode="w", format="mp4") as container:
        stream = container.add_stream("libx264", rate=Fraction(FPS, 1))
        stream.width, stream.height, stream.pix_fmt = WIDTH, HEIGHT, "yuv420p"
        stream.time_base = stream.codec_context.time_base = Fraction(1, FPS)
        stream.codec_context.thread_count = 1
        stream.options = {"qp": "0", "preset": "medium", "threads": "1"}
        chroma = np.full((HEIGHT // 2, WIDTH // 2), 128, dtype=np.uint8)
        for i in range(FRAMES):
            frame = av.VideoFrame(WIDTH, HEIGHT, "yuv420p")
            for plane, data in zip(frame.planes, (draw_luma(i), chroma, chroma)):
                view = np.frombuffer(plane, dtype=np.uint8).reshape(-1, plane.line_size)
                view[:data.shape[0], :data.shape[1]] = data
            frame.pts = i
            for packet in stream.encode(frame):
                container.mux(packet)
        for packet in stream.encode():
            container.mux(packet)


def check_decoded(path: Path) -> dict:
    """The file must decode to exactly the drawn YUV."""
    import av

    with av.open(str(path)) as container:
        stream = container.streams.video[0]
        profile = stream.codec_context.profile
        frames = list(container.decode(stream))
        kinds = sorted({av.video.frame.PictureType(f.pict_type).name for f in frames})
        yuv = [f.to_ndarray(format="yuv420p") for f in frames]
    if len(yuv) != FRAMES:
        raise AssertionError(f"decoded {len(yuv)} frames, drew {FRAMES}")
    for i, plane in enumerate(yuv):
        if not np.array_equal(plane[:HEIGHT], draw_luma(i)) or not (plane[HEIGHT:] == 128).all():
            raise AssertionError(f"frame {i} does not decode to the drawn YUV (is the encode lossless?)")
    return {"profile": profile, "picture_types": kinds}


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    parser.add_argument("--force-video", action="store_true", help="re-encode the video even if it exists")
    args = parser.parse_args()
    os.environ.setdefault("TOKENIZERS_PARALLELISM", "false")

    import torch
    from transformers import GenerationConfig, Qwen2_5_VLForConditionalGeneration

    from vr2ref import case_goldens, checks, run_case
    from vr2ref.cases import VIDEO_R2_POST_TEXT, Case
    from vr2ref.goldens_io import GoldenSet, write_json
    from vr2ref.weights import TINY_SEED
    from generate import write_index

    torch.set_num_threads(1)
    torch.use_deterministic_algorithms(True)

    kept = (OUT / VIDEO).read_bytes() if (OUT / VIDEO).exists() and not args.force_video else None
    scratch = HERE / f".{NAME}.mp4"
    if kept is None:
        encode(scratch)
        kept = scratch.read_bytes()
    else:
        scratch.write_bytes(kept)
    decoded_check = check_decoded(scratch)

    case = Case(name=NAME, description="", exercises=(), frames=FRAMES, height=HEIGHT, width=WIDTH, fps=FPS, style=0,
                element=dict(ELEMENT), text=f"\n{QUESTION}\n{VIDEO_R2_POST_TEXT}", penalty_flip=False)
    model = Qwen2_5_VLForConditionalGeneration.from_pretrained(
        str(MAIN_DIR), torch_dtype=torch.float32, attn_implementation="eager").eval()
    processor = run_case.load_processor(MAIN_DIR)
    gen_config = GenerationConfig.from_pretrained(str(MAIN_DIR))
    inputs, info = run_case.prepare_inputs(case, scratch, processor)
    fetched, decoded = info["fetched"], info["decoded"]
    ip = processor.image_processor
    run_case.check_pixel_values(inputs["pixel_values_videos"].numpy(), fetched["resized_rgb"], ip.image_mean,
                                ip.image_std)
    if info["prompt"].count(f"<|im_start|>system\n{SYSTEM}<|im_end|>") != 1:
        raise AssertionError("the chat template's default system prompt is not the app's")
    pos, _ = model.get_rope_index(inputs["input_ids"], None, inputs["video_grid_thw"], inputs["second_per_grid_ts"],
                                  inputs["attention_mask"])
    run = case_goldens.text_run(model, inputs, gen_config)
    bad = checks.failures(run["report"])
    if bad:
        raise AssertionError(f"{NAME}: golden is not numerically interesting: {bad}")
    scratch.unlink()

    ids = inputs["input_ids"][0].tolist()
    gs = GoldenSet(OUT, NAME, "case-e2e",
                   "File-to-token parity for the Playwright test: a lossless luma-only H.264 MP4 whose decoded RGB is "
                   "identical in Chromium and libswscale, sampled like the demo (nframes 4), through the tiny "
                   "checkpoint with the app's default system prompt and the Video-R2 reasoning suffix.",
                   ("decoded RGB identical in Chromium and the reference decoder", "H.264 lossless (High 4:4:4 Predictive)",
                    "antialiased bicubic downscale 112x224 -> 84x168", "demo prompt parts as the app sends them",
                    "32 tokens of Video-R2's generation config"), TINY_SEED)
    gs.raw(VIDEO, kept)
    gs.tensors("inputs.safetensors", {
        "frames_sampled_rgb": fetched["sampled_rgb"], "frames_resized_rgb": fetched["resized_rgb"],
        "video_grid_thw": inputs["video_grid_thw"].numpy().astype(np.int32),
        "second_per_grid_ts": np.array(inputs["second_per_grid_ts"], dtype=np.float32),
        "input_ids": np.array(ids, dtype=np.int32), "position_ids": pos[:, 0, :].numpy().astype(np.int32),
    })
    gs.tensors("generate.safetensors", {"tokens": np.array(run["gen"]["tokens"], dtype=np.int32)})
    gs.json("meta.json", {
        "checkpoint": case_goldens.CHECKPOINT_MAIN, "dtype": "float32 (bf16 weights upcast)",
        "video": {"file": VIDEO, "width": WIDTH, "height": HEIGHT, "encoded_fps": FPS,
                  "total_frames": decoded.total_frames, "video_fps": decoded.video_fps, "codec": decoded.codec,
                  **decoded_check, "reader": case_goldens.READER},
        "rgb_agreement": {"agree_levels": AGREE_LEVELS, "palette": PALETTE,
                          "note": "luma-only lossless video; every level is one whose BT.601 limited YUV->RGB is "
                                  "identical in libswscale rgb24 and Chromium VideoFrame.copyTo(RGBA); the e2e test "
                                  "compares every sampled frame byte for byte (identity resize at "
                                  f"min_pixels = max_pixels = {IDENTITY_PIXELS})"},
        "identity_pixels": IDENTITY_PIXELS,
        "element": ELEMENT,
        "sampling": {k: fetched[k] for k in ("nframes", "indices", "sample_fps", "min_pixels", "max_pixels")}
        | {"resized_hw": list(fetched["resized_hw"])},
        "prompt_parts": {"system": SYSTEM, "question": QUESTION, "suffix": VIDEO_R2_POST_TEXT},
        "prompt": {"text": info["prompt"], "input_ids": ids, "length": len(ids)},
        "video_grid_thw": inputs["video_grid_thw"][0].tolist(),
        "second_per_grid_ts": float(inputs["second_per_grid_ts"][0]),
        "generation": {"config": {k: getattr(gen_config, k) for k in ("do_sample", "temperature", "top_k", "top_p",
                                                                         "repetition_penalty", "eos_token_id")},
                       "max_new_tokens": len(run["gen"]["tokens"]), "tokens": run["gen"]["tokens"],
                       "text": processor.tokenizer.decode(run["gen"]["tokens"], skip_special_tokens=True)},
        "numerics": run["report"],
    })
    gs.finish(REPO, "")
    manifest = json.loads((OUT / "manifest.json").read_text())
    manifest["generator"]["command"] = "tools/reference/setup.sh && tools/reference/.venv/bin/python tools/reference/e2e_golden.py"
    write_json(OUT / "manifest.json", manifest)
    write_index()  # generate.py's: rescans every set directory, so the entry sits where generate.py puts it
    print(f"{NAME}: {len(ids)} prompt tokens, grid {inputs['video_grid_thw'][0].tolist()}, tokens {run['gen']['tokens']}"
          f"\n  margin {run['report']['min_margin']:.3f}, distinct {run['report']['distinct_tokens']}")


if __name__ == "__main__":
    main()
