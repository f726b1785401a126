"""Times the reference pipeline's decoder on the frames our media bench sampled (bench/media/run.mjs calls this).

  tools/bench/.venv/bin/python tools/bench/pyav_frames.py --video V --indices 0,562,... [--skip-sequential]

qwen_vl_utils reads a video with torchvision.io.read_video (PyAV underneath) when decord is absent: it decodes
every frame from the start to the end of the clip in order, converts each to RGB, and then keeps the sampled
indices. Two PyAV timings on the same file and frame indices (display order):
  sequential  that decode order (every frame decoded; only the sampled ones converted to RGB, which favours PyAV:
              torchvision converts and keeps them all, which a 10-minute 1080p clip cannot fit in memory)
  seek        the best PyAV can do: seek to the keyframe before each sampled frame, decode forward to it
Also the GOP span from the packets alone (no decoding): the union over sampled frames of the packets from the
frame's GOP keyframe to the frame in decode order — what a decoder that cannot skip non-reference frames must
decode; skipping them (as our pipeline does) leaves the minimum. Prints one JSON line.
"""
from __future__ import annotations

import argparse
import json
import time

import av


def packets(path: str):
    """(pts, keyframe) of every video packet in decode order, and the stream's time base."""
    with av.open(path) as c:
        s = c.streams.video[0]
        out = [(p.pts, p.is_keyframe) for p in c.demux(s) if p.pts is not None]
        return out, s.time_base


def gop_span(pk, indices: list[int]) -> int:
    display = sorted(p for p, _ in pk)
    pos = {p: i for i, (p, _) in enumerate(pk)}  # decode position of each pts
    need: set[int] = set()
    for i in indices:
        d = pos[display[i]]
        k = d
        while not pk[k][1]:
            k -= 1
        need.update(range(k, d + 1))
    return len(need)


def sequential(path: str, wanted_pts: set[int]) -> tuple[float, int]:
    t0 = time.perf_counter()
    decoded = 0
    with av.open(path) as c:
        s = c.streams.video[0]
        s.thread_type = "AUTO"
        for f in c.decode(s):
            decoded += 1
            if f.pts in wanted_pts:
                f.to_ndarray(format="rgb24")
    return time.perf_counter() - t0, decoded


def seek(path: str, targets: list[int]) -> tuple[float, int]:
    t0 = time.perf_counter()
    decoded = 0
    with av.open(path) as c:
        s = c.streams.video[0]
        s.thread_type = "AUTO"
        for pts in targets:
            c.seek(pts, stream=s, backward=True, any_frame=False)
            for f in c.decode(s):
                decoded += 1
                if f.pts is not None and f.pts >= pts:
                    f.to_ndarray(format="rgb24")
                    break
    return time.perf_counter() - t0, decoded


def main() -> None:
    a = argparse.ArgumentParser()
    a.add_argument("--video", required=True)
    a.add_argument("--indices", required=True, help="display-order frame indices, comma-separated")
    a.add_argument("--skip-sequential", action="store_true")
    o = a.parse_args()
    indices = [int(x) for x in o.indices.split(",")]
    pk, _ = packets(o.video)
    display = sorted(p for p, _ in pk)
    targets = [display[i] for i in indices]
    r = {"pyav": av.__version__, "frames": len(pk), "sampled": len(indices), "gopSpanDecodes": gop_span(pk, indices)}
    secs, n = seek(o.video, targets)
    r["seek"] = {"ms": secs * 1000, "decoded": n}
    if not o.skip_sequential:
        secs, n = sequential(o.video, set(targets))
        r["sequential"] = {"ms": secs * 1000, "decoded": n}
    print(json.dumps(r))


if __name__ == "__main__":
    main()
