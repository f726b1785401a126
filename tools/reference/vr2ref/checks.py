"""Properties that make a golden worth having: it must be able to catch a wrong implementation.

A near-tie in the greedy path would make the goldens flaky under legitimate f32 reordering; a continuation of one
repeated token, attention on the video that is ~0 or uniform, would let many wrong implementations pass.
"""
from __future__ import annotations

import numpy as np

# top-1 minus top-2 penalized logit, every step. Logits here are ~N(0, 9^2) with the top near 40, so an implementation
# within ARCHITECTURE §12's 1e-4 relative tolerance (~4e-3) cannot flip a greedy choice; real f32 paths are ~1e-5.
MIN_MARGIN = 0.005
MIN_DISTINCT = 8           # distinct tokens in the 32-token continuation
VAS_STEP_RANGE = (0.005, 0.98)  # final-layer attention mass on the video, every step
VAS_MEAN_RANGE = (0.05, 0.9)    # ... and its mean over the continuation
MIN_PAIR_SPREAD = 0.05     # max - min of the normalized per-pair profile, averaged over steps
MIN_ROW_CV = 0.1           # coefficient of variation of the head-mean attention row over video tokens


def numerics_report(gen: dict, stats: dict) -> dict:
    margins = [float(s["top_penalized"][0] - s["top_penalized"][1]) for s in gen["steps"]]
    pair = stats["per_pair_mass"].astype(np.float64)
    prof = pair / pair.sum(axis=1, keepdims=True)
    row = stats["video_row_mean"].astype(np.float64)
    cv = row.std(axis=1) / row.mean(axis=1)
    heads = stats["per_head_mass"].astype(np.float64)
    return {
        "min_margin": min(margins),
        "penalty_changed_argmax_steps": [g for g, s in enumerate(gen["steps"]) if s["raw_argmax"] != gen["tokens"][g]],
        "distinct_tokens": len(set(gen["tokens"])),
        "special_tokens_generated": [t for t in gen["tokens"] if t >= 151643],
        "vas_min": float(stats["vas_attn"].min()), "vas_max": float(stats["vas_attn"].max()),
        "vas_mean": float(stats["vas_attn"].astype(np.float64).mean()),
        "pair_spread_mean": float((prof.max(axis=1) - prof.min(axis=1)).mean()),
        "row_cv_min": float(cv.min()),
        "head_mass_gap_max": float(np.abs(heads[:, :, None] - heads[:, None, :]).max()),
    }


def failures(report: dict, min_distinct: int = MIN_DISTINCT, need_penalty_flip: bool = False) -> list[str]:
    bad = []
    if report["min_margin"] < MIN_MARGIN:
        bad.append(f"near-tie in the greedy path (margin {report['min_margin']:.4g})")
    if report["distinct_tokens"] < min_distinct:
        bad.append(f"only {report['distinct_tokens']} distinct tokens")
    if need_penalty_flip and not report["penalty_changed_argmax_steps"]:
        bad.append("the repetition penalty never changes the greedy choice")
    if report["special_tokens_generated"]:
        bad.append(f"special/padding ids generated: {report['special_tokens_generated']}")
    if report["vas_min"] < VAS_STEP_RANGE[0] or report["vas_max"] > VAS_STEP_RANGE[1]:
        bad.append(f"VAS-attn of a step out of range [{report['vas_min']:.3f}, {report['vas_max']:.3f}]")
    if not VAS_MEAN_RANGE[0] <= report["vas_mean"] <= VAS_MEAN_RANGE[1]:
        bad.append(f"mean VAS-attn {report['vas_mean']:.3f} out of range")
    if report["pair_spread_mean"] < MIN_PAIR_SPREAD:
        bad.append(f"per-pair attention nearly uniform ({report['pair_spread_mean']:.3f})")
    if report["row_cv_min"] < MIN_ROW_CV:
        bad.append(f"attention row over video nearly uniform (cv {report['row_cv_min']:.3f})")
    return bad
