"""The bench model's architecture: a Qwen2-shaped text model (Qwen2.5-0.5B widths by default) plus a Qwen2.5-VL
vision tower with 7B-shaped blocks (1280 hidden, 16 heads, MLP 3420) whose merger projects to the text width.

Every tensor is listed here once, with its shape, in the transformers <= 4.51 naming the engine reads
(`model.*`, `visual.*`, `lm_head.weight`). The text tensors carry the same names in a Qwen2ForCausalLM folder.
"""
from __future__ import annotations

from dataclasses import asdict, dataclass


@dataclass(frozen=True)
class TextShape:
    hidden: int = 896
    layers: int = 24
    heads: int = 14
    kv_heads: int = 2
    intermediate: int = 4864
    vocab: int = 151936

    @property
    def head_dim(self) -> int:
        return self.hidden // self.heads

    def check(self) -> None:
        if self.hidden % self.heads or self.heads % self.kv_heads:
            raise ValueError(f"text: hidden {self.hidden} / heads {self.heads} / kv heads {self.kv_heads} do not divide")
        if self.head_dim % 16 or self.head_dim > 128:
            raise ValueError(f"text: head_dim {self.head_dim} must be a multiple of 16 and at most 128 (our attention kernels)")
        for name, v in (("hidden", self.hidden), ("intermediate", self.intermediate)):
            if v % 32:
                raise ValueError(f"text: {name} {v} must be a multiple of 32 (q4 groups)")
        if self.vocab < 151665:
            raise ValueError(f"text: vocab {self.vocab} must hold the Qwen2.5 tokenizer's 151665 ids")

    def mrope_section(self) -> list[int]:
        """Qwen2.5-VL's [16, 24, 24] scaled to head_dim / 2 (text-only positions make every split equivalent)."""
        half = self.head_dim // 2
        t = half // 4
        h = (half - t) // 2
        return [t, h, half - t - h]

    def tensors(self) -> dict[str, tuple[int, ...]]:
        H, I, kv = self.hidden, self.intermediate, self.kv_heads * self.head_dim
        out: dict[str, tuple[int, ...]] = {"model.embed_tokens.weight": (self.vocab, H)}
        for i in range(self.layers):
            p = f"model.layers.{i}"
            out.update({
                f"{p}.input_layernorm.weight": (H,),
                f"{p}.self_attn.q_proj.weight": (H, H), f"{p}.self_attn.q_proj.bias": (H,),
                f"{p}.self_attn.k_proj.weight": (kv, H), f"{p}.self_attn.k_proj.bias": (kv,),
                f"{p}.self_attn.v_proj.weight": (kv, H), f"{p}.self_attn.v_proj.bias": (kv,),
                f"{p}.self_attn.o_proj.weight": (H, H),
                f"{p}.post_attention_layernorm.weight": (H,),
                f"{p}.mlp.gate_proj.weight": (I, H), f"{p}.mlp.up_proj.weight": (I, H),
                f"{p}.mlp.down_proj.weight": (H, I),
            })
        out["model.norm.weight"] = (H,)
        out["lm_head.weight"] = (self.vocab, H)
        return out


@dataclass(frozen=True)
class VisionShape:
    hidden: int = 1280
    depth: int = 2
    heads: int = 16
    intermediate: int = 3420
    # Qwen2.5-VL-7B has full attention in blocks 7, 15, 23, 31; the bench tower makes its last block full so that
    # both kinds of attention are timed.
    full_attention_last: bool = True

    def full_blocks(self) -> list[int]:
        return [self.depth - 1] if self.full_attention_last and self.depth > 1 else []

    def tensors(self, out_hidden: int) -> dict[str, tuple[int, ...]]:
        C, I, M = self.hidden, self.intermediate, 4 * self.hidden
        out: dict[str, tuple[int, ...]] = {"visual.patch_embed.proj.weight": (C, 3, 2, 14, 14)}
        for i in range(self.depth):
            p = f"visual.blocks.{i}"
            out.update({
                f"{p}.norm1.weight": (C,), f"{p}.norm2.weight": (C,),
                f"{p}.attn.qkv.weight": (3 * C, C), f"{p}.attn.qkv.bias": (3 * C,),
                f"{p}.attn.proj.weight": (C, C), f"{p}.attn.proj.bias": (C,),
                f"{p}.mlp.gate_proj.weight": (I, C), f"{p}.mlp.gate_proj.bias": (I,),
                f"{p}.mlp.up_proj.weight": (I, C), f"{p}.mlp.up_proj.bias": (I,),
                f"{p}.mlp.down_proj.weight": (C, I), f"{p}.mlp.down_proj.bias": (C,),
            })
        out.update({
            "visual.merger.ln_q.weight": (C,),
            "visual.merger.mlp.0.weight": (M, M), "visual.merger.mlp.0.bias": (M,),
            "visual.merger.mlp.2.weight": (out_hidden, M), "visual.merger.mlp.2.bias": (out_hidden,),
        })
        return out


def describe(text: TextShape, vision: VisionShape) -> dict:
    return {"text": asdict(text), "vision": asdict(vision)}
