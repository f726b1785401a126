"""The golden cases: each a synthetic source video, a video element for qwen-vl-utils, and a question."""
from __future__ import annotations

from dataclasses import dataclass, field

# Video-R2 demo's default post_text (docs/model.md §5.2; demo/gradio_demo.py), verbatim.
VIDEO_R2_POST_TEXT = (
    "Please think about this question as if you were a human pondering deeply. Engage in an internal dialogue using "
    "expressions such as 'let me think', 'wait', 'Hmm', 'oh, I see', 'let's break it down', etc, or other natural "
    "language thought expressions. It's encouraged to include self-reflection or verification in the reasoning "
    "process. Provide your detailed reasoning between the <think> and </think> tags, and then give your final answer "
    "between the <answer> and </answer> tags. Ensure to include the thinking process inside <think> and </think> tags "
    "and the final answer inside <answer> and </answer> tags."
)

MAX_NEW_TOKENS = 32


@dataclass(frozen=True)
class Case:
    name: str
    description: str
    exercises: tuple[str, ...]
    frames: int          # source video: frame count, size, frame rate, drawing style
    height: int
    width: int
    fps: int
    style: int
    element: dict        # the qwen-vl-utils video element (minus "type"/"video")
    text: str            # the text item that follows the video in the user message
    q4: bool = False     # also write a q4 golden set
    tied: bool = False   # also write a tied-embeddings golden set
    penalty_flip: bool = True  # the repetition penalty must change the greedy choice at some step
    expect: dict = field(default_factory=dict)  # properties the case must have (checked when generating)


CASES: tuple[Case, ...] = (
    Case(
        name="synthetic-fps",
        description="Short synthetic video with visibly distinct frames, sampled by fps (2 fps) as qwen-vl-utils "
                    "does when no nframes is given; 100x72 source upscaled to 84x112 by min_pixels.",
        exercises=("fps-based smart_nframes", "antialiased bicubic upscaling", "merged width divisible by 4 "
                   "(empty padded window column)", "repetition penalty changes the greedy choice", "q4 variant"),
        frames=16, height=72, width=100, fps=8, style=0,
        element={"min_pixels": 6272, "max_pixels": 9408},
        text="What changes between the frames?",
        q4=True,
        expect={"nframes": 4, "resized_hw": [84, 112], "grid": [2, 6, 8]},
    ),
    Case(
        name="demo-prompt",
        description="The Video-R2 demo prompt: '\\n{question}\\n{post_text}' with the reasoning suffix of spec §5.2, "
                    "nframes given as the demo does (small max_pixels/min_pixels to keep the golden small).",
        exercises=("demo chat template and reasoning suffix", "nframes path", "antialiased bicubic downscaling",
                   "integer second_per_grid_ts (2.0)", "q4 variant"),
        frames=40, height=90, width=160, fps=10, style=1,
        element={"nframes": 4, "min_pixels": 3136, "max_pixels": 12544},
        text="\nWhat is happening in this video?\n" + VIDEO_R2_POST_TEXT,
        q4=True, penalty_flip=False,
        expect={"nframes": 4, "resized_hw": [84, 140], "grid": [2, 6, 10], "second_per_grid_ts": 2.0},
    ),
    Case(
        name="odd-nframes",
        description="nframes=9 rounds half-to-even to 8 (JavaScript Math.round would give 10); 70 frames at 12 fps "
                    "give second_per_grid_ts = 2*70/(8*12) = 1.4583.. (not an integer, not exact in f32), so the "
                    "transformers 4.51 temporal positions trunc(k*s*2) = 0,2,5,8 differ from int-first 0,2,4,6.",
        exercises=("round-half-even nframes", "non-integer second_per_grid_ts", "float-then-truncate M-RoPE t index",
                   "4 temporal patches", "mixed up/down resize (64x48 -> 56x56)", "tied-embedding variant"),
        frames=70, height=48, width=64, fps=12, style=2,
        element={"nframes": 9, "min_pixels": 3136, "max_pixels": 3136},
        text="How many frames show the white square?",
        tied=True,
        expect={"nframes": 8, "resized_hw": [56, 56], "grid": [4, 4, 4], "t_positions": [0, 2, 5, 8]},
    ),
    Case(
        name="windows",
        description="252x168 source downscaled 1.5x to 168x112: merged grid 4x6, so each window row holds two windows "
                    "(4 and 2 merged columns) and, because 4 % 4 == 0, get_window_index pads a whole empty window "
                    "row that unique_consecutive removes.",
        exercises=("two windows per row", "empty padded window row (merged height divisible by 4)",
                   "1.5x antialiased downscale", "cu_window_seqlens across 2 temporal patches"),
        frames=20, height=168, width=252, fps=10, style=3,
        element={"nframes": 4, "min_pixels": 3136, "max_pixels": 18816},
        text="Where is the dark disc?",
        expect={"nframes": 4, "resized_hw": [112, 168], "grid": [2, 8, 12]},
    ),
)
