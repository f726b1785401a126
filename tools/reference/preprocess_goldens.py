"""Preprocessing goldens: torchvision's antialiased bicubic resize + transformers 4.51.1's Qwen2VLImageProcessor.

Writes tools/reference/fixtures/preprocess/{preprocess.safetensors, manifest.json}:
  * per case: the uint8 RGB input frames, the uint8 frames after `torchvision.transforms.functional.resize(video,
    [h, w], BICUBIC, antialias=True)` exactly as qwen_vl_utils calls it, and `pixel_values_videos` from the
    image processor's video path;
  * per (in, out) size pair: PyTorch's own antialiased-bicubic tap weights, read out by resizing one-hot rows
    (each output is then a single weight times 1, accumulated with exact zeros, so the weights come out exactly).

Run with the reference venv (torch 2.7.0, torchvision 0.22.0, transformers 4.51.1):
    /work/venv-ref/bin/python tools/reference/preprocess_goldens.py

The resize results depend on how ATen was compiled for the running CPU: the AVX2/AVX-512 kernels (every x86-64
machine of the last decade, and aarch64) contract `acc += x * w` into FMA; ATEN_CPU_CAPABILITY=default does not,
which moves ~1 in 50 000 output pixels by one level. The manifest records the capability in use.
"""
from __future__ import annotations

import json
import sys
from pathlib import Path

import numpy as np
import torch
import torchvision
import transformers
from safetensors.numpy import save_file
from torchvision.transforms import InterpolationMode
from torchvision.transforms import functional as TF
from transformers import Qwen2VLImageProcessor

OUT_DIR = Path(__file__).resolve().parent / "fixtures" / "preprocess"
SEED = 20250611

# (name, frame count, source height, source width, target height, target width, content)
CASES = [
    ("rand_up", 3, 45, 61, 56, 84, "random"),        # upscale on both axes, odd frame count (last frame repeated)
    ("rand_down", 2, 151, 269, 56, 112, "random"),   # downscale by ~2.7 / ~2.4
    ("natural", 1, 216, 384, 84, 140, "natural"),    # a synthetic natural-looking picture, single frame
    ("identity", 2, 56, 84, 56, 84, "random"),       # torchvision returns the frames untouched
    ("one_axis", 2, 56, 150, 56, 84, "random"),      # height unchanged: ATen skips the vertical pass
    ("strip", 1, 30, 2400, 28, 168, "random"),       # a ×14 horizontal downscale (59 taps per output)
    ("tall", 1, 400, 17, 336, 28, "natural"),        # down on one axis, up on the other
]

# Input → output sizes whose tap weights are read out of ATen (the GPU builds its own tables from these rules).
WEIGHT_PAIRS = [
    (7680, 588), (4320, 336), (1920, 588), (1080, 336), (1280, 504), (720, 280), (640, 588),
    (480, 364), (269, 112), (151, 56), (2400, 168), (101, 100), (100, 101), (61, 84), (45, 56), (16, 56),
    (5, 1000), (30, 28), (17, 28), (400, 336),
]

IMAGE_MEAN = [0.48145466, 0.4578275, 0.40821073]
IMAGE_STD = [0.26862954, 0.26130258, 0.27577711]


def natural_frames(rng: np.random.Generator, n: int, h: int, w: int) -> np.ndarray:
    """Smooth sky gradient, soft hills, hard-edged shapes, fine texture and sensor noise: the mix of flat areas,
    edges and high frequencies that real frames have (and that stress ringing and clamping in bicubic)."""
    yy, xx = np.mgrid[0:h, 0:w].astype(np.float64)
    frames = []
    for f in range(n):
        shift = 7.0 * f
        img = np.zeros((h, w, 3))
        sky = yy / h
        img[..., 0] = 70 + 120 * sky
        img[..., 1] = 120 + 90 * sky
        img[..., 2] = 230 - 60 * sky
        hill = h * (0.62 + 0.08 * np.sin((xx + shift) / w * 7.0) + 0.04 * np.sin((xx + shift) / w * 23.0))
        ground = yy > hill
        img[ground] = np.stack([60 + 40 * np.sin(xx[ground] / 3.0) ** 2, 140 + 30 * np.cos(yy[ground] / 2.0), 40 + 0 * xx[ground]], -1)
        cy, cx, r = 0.25 * h, 0.75 * w - shift, 0.12 * min(h, w)
        sun = (yy - cy) ** 2 + (xx - cx) ** 2 < r * r
        img[sun] = [255, 244, 180]
        bx0, by0 = int(0.15 * w + shift), int(0.45 * h)
        img[by0:by0 + int(0.2 * h), bx0:bx0 + int(0.12 * w)] = [200, 30, 35]  # a red sign with a black stripe
        img[by0 + int(0.08 * h):by0 + int(0.1 * h), bx0:bx0 + int(0.12 * w)] = [0, 0, 0]
        img += rng.normal(0, 6, img.shape)
        frames.append(np.clip(np.rint(img), 0, 255).astype(np.uint8))
    return np.stack(frames)


def interpolate_f32(frame_hwc: np.ndarray, h: int, w: int) -> np.ndarray:
    """The float32 F.interpolate result inside torchvision's resize, before its clamp and round: [3, h, w]."""
    x = torch.from_numpy(frame_hwc).permute(2, 0, 1)[None].float()
    return torch.nn.functional.interpolate(x, size=[h, w], mode="bicubic", align_corners=False, antialias=True)[0].numpy()


def torchvision_resize(frames_thwc: np.ndarray, h: int, w: int) -> torch.Tensor:
    """qwen_vl_utils.fetch_video: resize a uint8 TCHW video, then .float(). The decord reader hands over
    `torch.tensor(frames).permute(0, 3, 1, 2)` (channels-last strides), torchcodec a contiguous TCHW tensor;
    both must give the same frames."""
    channels_last = torch.tensor(frames_thwc).permute(0, 3, 1, 2)
    out = TF.resize(channels_last, [h, w], interpolation=InterpolationMode.BICUBIC, antialias=True).float()
    contiguous = TF.resize(channels_last.contiguous(), [h, w], interpolation=InterpolationMode.BICUBIC, antialias=True).float()
    assert torch.equal(out, contiguous), "memory layout changed the resize result"
    return out


def processor_pixel_values(video: torch.Tensor, h: int, w: int) -> tuple[np.ndarray, list[int]]:
    # Bounds wide enough that the processor's own smart_resize keeps (h, w), as it does for Video-R2's frames.
    proc = Qwen2VLImageProcessor(min_pixels=28 * 28, max_pixels=28 * 28 * 100000)
    out = proc(images=None, videos=[video], return_tensors="np")
    return out["pixel_values_videos"].astype(np.float32), [int(v) for v in out["video_grid_thw"][0]]


def own_pixel_values(resized_u8: np.ndarray) -> np.ndarray:
    """The processor's math written out (rescale in f64 → f32, normalise in f32, 9-D transpose), as a cross-check."""
    x = (resized_u8.astype(np.float64) * (1 / 255)).astype(np.float32)  # T, C, H, W
    x = (x - np.array(IMAGE_MEAN, np.float32)[:, None, None]) / np.array(IMAGE_STD, np.float32)[:, None, None]
    if x.shape[0] % 2:
        x = np.concatenate([x, x[-1:]], 0)
    t, c, hh, ww = x.shape
    p = x.reshape(t // 2, 2, c, hh // 28, 2, 14, ww // 28, 2, 14).transpose(0, 3, 6, 4, 7, 2, 1, 5, 8)
    return p.reshape(-1, c * 2 * 14 * 14)


def aten_weights(n_in: int, n_out: int) -> tuple[np.ndarray, np.ndarray, np.ndarray]:
    """(first nonzero input index, last nonzero input index, concatenated weights) per output index."""
    lo = np.zeros(n_out, np.int32)
    hi = np.zeros(n_out, np.int32)
    cols = []
    dense = np.zeros((n_in, n_out), np.float32)
    step = 1024
    for s in range(0, n_in, step):
        e = min(n_in, s + step)
        onehot = torch.zeros(1, 1, e - s, n_in)
        onehot[0, 0, torch.arange(e - s), torch.arange(s, e)] = 1.0
        # Only the width changes, so ATen runs the horizontal pass alone.
        dense[s:e] = torch.nn.functional.interpolate(
            onehot, size=(e - s, n_out), mode="bicubic", align_corners=False, antialias=True
        )[0, 0].numpy()
    for i in range(n_out):
        nz = np.nonzero(dense[:, i])[0]
        lo[i], hi[i] = nz[0], nz[-1]
        cols.append(dense[nz[0]:nz[-1] + 1, i])
    return lo, hi, np.concatenate(cols)


def main() -> None:
    rng = np.random.default_rng(SEED)
    tensors: dict[str, np.ndarray] = {}
    manifest_cases = []
    for name, n, sh, sw, th, tw, content in CASES:
        frames = rng.integers(0, 256, (n, sh, sw, 3), dtype=np.uint8) if content == "random" else natural_frames(rng, n, sh, sw)
        video = torchvision_resize(frames, th, tw)
        assert torch.equal(video, video.round()) and video.min() >= 0 and video.max() <= 255
        resized = video.to(torch.uint8).numpy()  # T, C, H, W
        pixel_values, grid = processor_pixel_values(video, th, tw)
        assert grid == [(n + 1) // 2, th // 14, tw // 14], (name, grid)
        assert np.array_equal(pixel_values, own_pixel_values(resized)), f"{name}: processor and own formula disagree"
        tensors[f"{name}.input"] = frames
        tensors[f"{name}.resized"] = np.ascontiguousarray(resized.transpose(0, 2, 3, 1))  # T, H, W, C like the input
        tensors[f"{name}.pixel_values"] = pixel_values
        if (sh, sw) != (th, tw):
            # The unrounded float result of frame 0 pins the arithmetic far tighter than uint8 can.
            f32 = interpolate_f32(frames[0], th, tw)
            assert np.array_equal(np.clip(f32, 0, 255).round().astype(np.uint8), resized[0])
            tensors[f"{name}.frame0_f32"] = f32
        manifest_cases.append({"name": name, "frames": n, "source": [sh, sw], "target": [th, tw], "content": content,
                               "grid_thw": grid, "pixel_values_shape": list(pixel_values.shape)})
        print(f"{name}: {n}×{sh}×{sw} → {th}×{tw}, grid {grid}", file=sys.stderr)
    pairs = []
    for n_in, n_out in WEIGHT_PAIRS:
        lo, hi, w = aten_weights(n_in, n_out)
        key = f"weights.{n_in}_{n_out}"
        tensors[f"{key}.first"], tensors[f"{key}.last"], tensors[f"{key}.values"] = lo, hi, w
        pairs.append([n_in, n_out])
    OUT_DIR.mkdir(parents=True, exist_ok=True)
    save_file(tensors, str(OUT_DIR / "preprocess.safetensors"))
    manifest = {
        "generator": "tools/reference/preprocess_goldens.py",
        "command": "/work/venv-ref/bin/python tools/reference/preprocess_goldens.py",
        "seed": SEED,
        "versions": {"torch": torch.__version__, "torchvision": torchvision.__version__, "transformers": transformers.__version__,
                     "numpy": np.__version__},
        "aten_cpu_capability": torch.backends.cpu.get_cpu_capability(),
        "resize_call": "torchvision.transforms.functional.resize(video_uint8_tchw, [h, w], interpolation=BICUBIC, antialias=True).float()",
        "processor": "Qwen2VLImageProcessor(min_pixels=784, max_pixels=78400000)(images=None, videos=[video]) (CLIP mean/std, 1/255)",
        "layout": {"input": "uint8 [T, H, W, 3]", "resized": "uint8 [T, h, w, 3]", "pixel_values": "float32 [T'·(h/14)·(w/14), 1176]",
                   "frame0_f32": "float32 [3, h, w]: F.interpolate of frame 0 before clamp/round (resized cases only)",
                   "weights": "per output index i: int32 first/last nonzero input index, float32 values[first..last] concatenated"},
        "cases": manifest_cases,
        "weight_pairs": pairs,
    }
    (OUT_DIR / "manifest.json").write_text(json.dumps(manifest, indent=2) + "\n")


if __name__ == "__main__":
    main()
