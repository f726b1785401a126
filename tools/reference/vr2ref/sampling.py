"""Frame sampling and resizing exactly as Video-R2's vendored qwen-vl-utils (docs/model.md §2), FPS_MAX_FRAMES = 32.

Own code following the spec; the arithmetic primitives are the upstream ones (torch float32 linspace + half-even
round, Python half-even round, torchvision's antialiased bicubic resize on uint8).
"""
from __future__ import annotations

import math

import numpy as np
import torch
from torchvision.transforms import InterpolationMode
from torchvision.transforms import functional as TF

IMAGE_FACTOR = 28
VIDEO_MIN_PIXELS = 128 * 28 * 28
VIDEO_MAX_PIXELS = 768 * 28 * 28
VIDEO_TOTAL_PIXELS = int(float(128000 * 28 * 28 * 0.9))
FRAME_FACTOR = 2
FPS = 2.0
FPS_MIN_FRAMES = 4
FPS_MAX_FRAMES = 32  # Video-R2's default (upstream qwen-vl-utils: 768)
MAX_RATIO = 200


def round_by_factor(x: float, f: int) -> int:
    return round(x / f) * f  # Python round: half to even


def ceil_by_factor(x: float, f: int) -> int:
    return math.ceil(x / f) * f


def floor_by_factor(x: float, f: int) -> int:
    return math.floor(x / f) * f


def smart_nframes(ele: dict, total_frames: int, video_fps: float) -> int:
    if "fps" in ele and "nframes" in ele:
        raise ValueError("only one of fps / nframes")
    if "nframes" in ele:
        n = round_by_factor(ele["nframes"], FRAME_FACTOR)
    else:
        fps = ele.get("fps", FPS)
        min_f = ceil_by_factor(ele.get("min_frames", FPS_MIN_FRAMES), FRAME_FACTOR)
        max_f = floor_by_factor(ele.get("max_frames", min(FPS_MAX_FRAMES, total_frames)), FRAME_FACTOR)
        n = total_frames / video_fps * fps
        n = min(min(max(n, min_f), max_f), total_frames)
        n = floor_by_factor(n, FRAME_FACTOR)
    if not (FRAME_FACTOR <= n <= total_frames):
        raise ValueError(f"nframes should be in [{FRAME_FACTOR}, {total_frames}], got {n}")
    return n


def sample_indices(total_frames: int, n: int) -> list[int]:
    """torch.linspace in float32, then half-to-even round (start 0, end total-1: no video_start/video_end)."""
    return torch.linspace(0, total_frames - 1, n).round().long().tolist()


def smart_resize(height: int, width: int, factor: int, min_pixels: int, max_pixels: float) -> tuple[int, int]:
    if max(height, width) / min(height, width) > MAX_RATIO:
        raise ValueError("aspect ratio above 200")
    h_bar = max(factor, round_by_factor(height, factor))
    w_bar = max(factor, round_by_factor(width, factor))
    if h_bar * w_bar > max_pixels:
        beta = math.sqrt((height * width) / max_pixels)
        h_bar = floor_by_factor(height / beta, factor)
        w_bar = floor_by_factor(width / beta, factor)
    elif h_bar * w_bar < min_pixels:
        beta = math.sqrt(min_pixels / (height * width))
        h_bar = ceil_by_factor(height * beta, factor)
        w_bar = ceil_by_factor(width * beta, factor)
    return h_bar, w_bar


def pixel_budget(ele: dict, nframes: int) -> tuple[int, float]:
    """(min_pixels, max_pixels) as fetch_video computes them."""
    min_pixels = ele.get("min_pixels", VIDEO_MIN_PIXELS)
    total_pixels = ele.get("total_pixels", VIDEO_TOTAL_PIXELS)
    max_pixels = max(min(VIDEO_MAX_PIXELS, total_pixels / nframes * FRAME_FACTOR), int(min_pixels * 1.05))
    return min_pixels, min(ele.get("max_pixels", max_pixels), max_pixels)


def fetch_video(ele: dict, frames: np.ndarray, video_fps: float) -> dict:
    """Sample and resize decoded RGB frames (uint8 [N, H, W, 3]) like fetch_video(return_video_sample_fps=True)."""
    total = int(frames.shape[0])
    n = smart_nframes(ele, total, video_fps)
    idx = sample_indices(total, n)
    sample_fps = n / max(total, 1e-6) * video_fps
    sampled = frames[idx]
    video = torch.from_numpy(np.ascontiguousarray(sampled)).permute(0, 3, 1, 2)  # TCHW uint8
    min_px, max_px = pixel_budget(ele, n)
    h, w = int(video.shape[2]), int(video.shape[3])
    rh, rw = smart_resize(h, w, IMAGE_FACTOR, min_px, max_px)
    resized = TF.resize(video, [rh, rw], interpolation=InterpolationMode.BICUBIC, antialias=True)
    if resized.dtype != torch.uint8:
        raise AssertionError("torchvision resize of a uint8 video must stay uint8")
    return {
        "nframes": n, "indices": idx, "sample_fps": sample_fps, "total_frames": total, "video_fps": video_fps,
        "min_pixels": min_px, "max_pixels": max_px, "resized_hw": (rh, rw),
        "sampled_rgb": sampled,                                   # uint8 [n, H, W, 3]
        "resized_rgb": resized.permute(0, 2, 3, 1).contiguous().numpy(),  # uint8 [n, rh, rw, 3]
        "video": resized.float(),                                 # what qwen-vl-utils hands to the processor
    }
