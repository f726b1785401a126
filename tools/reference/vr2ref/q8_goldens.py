"""The q8 golden sets (docs/model.md §6.3): the storage format itself (q8-format) and the q8 variants of
the q4 cases (<case>-q8: the same inputs through the q8 quantize-dequantized text model, vr2ref/quant_model.py).

Written by `generate.py q8` without touching any other set: each case's inputs are prepared again from its committed
video and must equal the committed <case>/inputs.safetensors bit for bit, and the unquantized model's last-prompt
logits must match the committed <case> golden's (bit for bit on the generating machine type, within 1e-5 elsewhere:
the drift is recorded in meta.json), so the q8 set is comparable with the f32 and q4 sets.
"""
from __future__ import annotations

from pathlib import Path

import numpy as np
import torch
from safetensors.numpy import load_file

from . import case_goldens, run_case
from .cases import CASES
from .goldens_io import GoldenSet
from .hash_prng import bf16_bits_to_f32, f32_to_bf16_bits, hash_tensor
from .quant import quantize

SEED = 12
ROWS, COLS = 32, 128
SCHEME = "docs/model.md §6.3 (q8_0-sym-g32-f16)"


def _bf16(x) -> np.ndarray:
    return bf16_bits_to_f32(f32_to_bf16_bits(np.asarray(x, dtype=np.float32)))


def build_format_matrix() -> tuple[np.ndarray, dict]:
    w = hash_tensor(SEED, "q8format.w", (ROWS, COLS), std=0.05)
    w[20:24] = hash_tensor(SEED, "q8format.w_large", (4, COLS), std=300.0)
    notes = {24: "all-zero row: scales 0, codes 0"}
    w[24] = 0.0
    r = np.zeros(COLS, dtype=np.float32)
    r[0:2] = [1.0, -1.0]                      # |w| tie, + first: d = -1/128, the later -1 clamps to +127
    r[32:34] = [0.3, -2.0]                    # negative extreme -> q = -128 with a positive scale
    r[64:72] = [128.0, 0.5, 1.5, 2.5, -3.5, -0.5, -127.5, 126.5]  # d = -1: exact halves round to even, 128 clamps
    w[25] = _bf16(r)
    notes[25] = "ties on |w| (first element wins), negative extreme, exact halves, the clamp to 127"
    s = np.zeros(COLS, dtype=np.float32)
    s[0:2] = [320 * 2.0 ** -24, 2.0 ** -24]   # m/128 = 2.5 * 2^-24: subnormal tie to 2 * 2^-24; 160 clamps to -128
    s[32] = 2.0 ** -19                        # d underflows to (-)0: all codes 0
    s[64:66] = [8355840.0, -1.0]              # d = -65280: the largest bf16-exact m below the f16 limit
    s[96:98] = [0.1, 0.0999]                  # d = f16(-0.1/128): scale rounding
    w[26] = _bf16(s)
    notes[26] = "subnormal scale, underflowing scale, near-max f16 scale, rounded scale"
    w[27] = -np.abs(w[27])
    notes[27] = "all-negative row"
    if not np.array_equal(w, _bf16(w)):
        raise AssertionError("q8 format matrix must be bf16-exact")
    return w, notes


def write_format(out_root: Path, repo_root: Path) -> None:
    w, notes = build_format_matrix()
    t = quantize(w, "q8")
    gs = GoldenSet(out_root / "q8-format", "q8-format", "q8-format",
                   f"A {ROWS}x{COLS} bf16-exact matrix (hash rows plus hand rows) and its q8 form per {SCHEME}: "
                   "int8 codes packed four per u32, f16 scales (also packed two per u32), and the dequantized values.",
                   ("first-max tie rule", "negative extremes", "zero groups", "f16 subnormal/underflowing/near-max "
                    "scales", "round-half-even codes", "clamp to 127"), SEED)
    gs.tensors("q8.safetensors", {
        "weight": w, "qweight": t.packed_qweight(), "scales_f16": t.scales.view(np.uint16),
        "scales_packed": t.packed_scales(), "dequantized": t.dequantize(),
    })
    gs.json("meta.json", {"rows": ROWS, "cols": COLS, "group": 32, "hand_rows": notes,
                          "hash_rows": {"0-19, 27-31": {"name": "q8format.w", "std": 0.05},
                                        "20-23": {"name": "q8format.w_large", "std": 300.0}},
                          "hash_rows_note": "each hash tensor is generated whole ([32|4, 128]) and rows copied; "
                                            "row 27 is the negated |q8format.w| row (see vr2ref/q8_goldens.py)"})
    gs.finish(repo_root, "q8")


def _rel_error(a: np.ndarray, b: np.ndarray) -> float:
    """max |a - b| / max |b| (the tensor-level relative error the TypeScript parity tests use)."""
    return float(np.abs(a.astype(np.float64) - b).max() / np.abs(b.astype(np.float64)).max())


def write_cases(golden_root: Path, repo_root: Path, model, q8_model, processor, gen_config, seed: int,
                video_root: Path) -> dict:
    written = {}
    for case in (c for c in CASES if c.q4):
        inputs, _ = run_case.prepare_inputs(case, video_root / f"{case.name}.mp4", processor)
        committed = load_file(str(golden_root / case.name / "inputs.safetensors"))
        if not (np.array_equal(inputs["input_ids"][0].numpy().astype(np.int32), committed["input_ids"])
                and np.array_equal(inputs["pixel_values_videos"].numpy(), committed["pixel_values_videos"])):
            raise AssertionError(f"{case.name}: prepared inputs differ from the committed golden's")
        f32_logits = load_file(str(golden_root / case.name / "text.safetensors"))["logits_last"]
        with torch.no_grad():
            here = model(**inputs, return_dict=True).logits[0, -1].numpy()
        # float32 CPU kernels may differ in the last bits between machine types (README): the committed sets stay
        # comparable while this stays far below the parity tolerance (1e-4) and the q4/q8 differences.
        machine_drift = _rel_error(here, f32_logits)
        if machine_drift > 1e-5:
            raise AssertionError(f"{case.name}: this machine's f32 logits differ from the committed golden's "
                                 f"(rel {machine_drift:.3g}); regenerate everything instead")
        q4_logits = load_file(str(golden_root / f"{case.name}-q4" / "text.safetensors"))["logits_last"]
        name = f"{case.name}-q8"
        run = case_goldens.text_run(q8_model, inputs, gen_config)
        errors = {"q8_vs_f32": _rel_error(run["logits_last"], f32_logits),
                  "q4_vs_f32": _rel_error(q4_logits, f32_logits), "f32_here_vs_f32": machine_drift}
        if not errors["q8_vs_f32"] < errors["q4_vs_f32"]:
            raise AssertionError(f"{name}: q8 is not closer to the f32 logits than q4: {errors}")
        gs = GoldenSet(golden_root / name, name, "case-q8",
                       f"The same inputs through the q8 quantize-dequantized text model ({SCHEME}: q/k/v/o, "
                       "gate/up/down, embed_tokens, lm_head); vision tower, biases and norms unchanged.",
                       case.exercises, seed)
        gs.tensors("text.safetensors", case_goldens._text_tensors(run, with_logits=True))
        gs.tensors("generate.safetensors", case_goldens._generate_tensors(run))
        ids = inputs["input_ids"][0].tolist()
        gs.json("meta.json", {
            "inputs_from": case.name, "variant": "q8", "checkpoint": case_goldens.CHECKPOINT_MAIN,
            "q8": {"scheme": SCHEME, "tensors": "model.layers.*.self_attn.{q,k,v,o}_proj.weight, "
                   "model.layers.*.mlp.{gate,up,down}_proj.weight, model.embed_tokens.weight, lm_head.weight"},
            "logits_last_rel_error": errors | {"definition": "max |a - f32| / max |f32| over the last prompt "
                                                              "token's logits, against the unquantized golden"},
            "text": {"logits_last": "present"},
            "generation": case_goldens._generation_meta(run, processor.tokenizer, gen_config, len(ids)),
            "numerics": run["report"],
        })
        gs.finish(repo_root, "q8")
        written[name] = errors | {"tokens_equal_f32": run["gen"]["tokens"] == load_file(
            str(golden_root / case.name / "generate.safetensors"))["tokens"].tolist()}
    return written
