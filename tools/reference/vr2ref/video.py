"""Synthetic test videos: drawn in numpy, encoded to H.264 MP4 with PyAV (libx264), decoded back to RGB.

libx264 in PyAV's wheel is not bit-reproducible from run to run (even single-threaded, some presets vary), so the
encoded files are committed inputs (tools/reference/fixtures/videos/) that `generate.py videos` writes only when
missing or when forced; every golden is bit-reproducible from them. The decoded RGB frames are what the goldens record
as the input, so the TypeScript preprocessing is compared on identical RGB (YUV->RGB conversion in the browser differs slightly from libswscale's; see docs/model.md §7).
Frame reading follows the decord / torchvision backends of qwen-vl-utils: every frame is decoded, total_frames is
the decoded count and video_fps the stream's average frame rate.
"""
from __future__ import annotations

from dataclasses import dataclass
from fractions import Fraction
from pathlib import Path

import av
import numpy as np


def _hue_rgb(h: float) -> np.ndarray:
    """A saturated colour for hue h in [0, 1)."""
    k = (np.array([5.0, 3.0, 1.0]) + h * 6.0) % 6.0
    return 1.0 - np.clip(np.minimum(k, 4.0 - k), 0.0, 1.0)


def draw_frames(n: int, height: int, width: int, style: int = 0) -> np.ndarray:
    """n visibly distinct RGB frames (uint8 [n, H, W, 3]): a hue-cycling gradient, a white square moving right,
    a dark disc moving down, and a bar code of the frame index along the bottom."""
    yy, xx = np.mgrid[0:height, 0:width].astype(np.float64)
    frames = np.empty((n, height, width, 3), dtype=np.uint8)
    for i in range(n):
        base = _hue_rgb(((i * 0.137) + style * 0.31) % 1.0)
        other = _hue_rgb(((i * 0.137) + style * 0.31 + 0.5) % 1.0)
        t = (xx / max(width - 1, 1) * 0.6 + yy / max(height - 1, 1) * 0.4)[..., None]
        img = (1.0 - t) * base + t * other
        img = img * (0.55 + 0.45 * np.cos((xx + 2 * yy) / (3.0 + style))[..., None] ** 2)
        side = max(4, min(height, width) // 4)
        x0 = int((width - side) * (i / max(n - 1, 1)))
        y0 = height // 5
        img[y0:y0 + side, x0:x0 + side] = 1.0
        cy = int((height - side) * ((i * 3 % n) / max(n - 1, 1))) + side // 2
        cx = width * 2 // 3
        img[(yy - cy) ** 2 + (xx - cx) ** 2 < (side / 2) ** 2] = 0.08
        bar_h = max(2, height // 12)
        bits = [(i >> b) & 1 for b in range(8)]
        for b, bit in enumerate(bits):
            x_a, x_b = b * width // 8, (b + 1) * width // 8
            img[height - bar_h:, x_a:x_b] = 0.95 if bit else 0.05
        frames[i] = np.clip(np.round(img * 255.0), 0, 255).astype(np.uint8)
    return frames


def encode_mp4(frames: np.ndarray, fps: int, path: Path) -> None:
    """H.264 (yuv420p, B-frames allowed) in MP4; single-threaded x264 so the bytes are reproducible."""
    n, h, w, _ = frames.shape
    if h % 2 or w % 2:
        raise ValueError(f"yuv420p needs even frame sizes, got {w}x{h}")
    with av.open(str(path), mode="w", format="mp4") as container:
        stream = container.add_stream("libx264", rate=Fraction(fps, 1))
        stream.width, stream.height, stream.pix_fmt = w, h, "yuv420p"
        stream.time_base = Fraction(1, fps)
        stream.codec_context.time_base = Fraction(1, fps)
        stream.codec_context.thread_count = 1
        stream.options = {"crf": "16", "preset": "medium", "threads": "1"}
        for i in range(n):
            frame = av.VideoFrame.from_ndarray(frames[i], format="rgb24").reformat(format="yuv420p")
            frame.pts = i
            frame.time_base = Fraction(1, fps)
            for packet in stream.encode(frame):
                container.mux(packet)
        for packet in stream.encode():
            container.mux(packet)


@dataclass(frozen=True)
class DecodedVideo:
    frames: np.ndarray  # uint8 [total_frames, H, W, 3], RGB
    video_fps: float    # stream average frame rate
    codec: str

    @property
    def total_frames(self) -> int:
        return int(self.frames.shape[0])


def decode_all(path: Path) -> DecodedVideo:
    with av.open(str(path)) as container:
        stream = container.streams.video[0]
        stream.thread_count = 1
        fps = float(stream.average_rate)
        codec = stream.codec_context.name
        frames = [f.to_ndarray(format="rgb24") for f in container.decode(stream)]
    return DecodedVideo(frames=np.stack(frames), video_fps=fps, codec=codec)
