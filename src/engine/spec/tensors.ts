// The checkpoint tensors a ModelSpec requires, under their canonical names (the transformers ≤ 4.51 layout:
// `visual.*`, `model.*`, `lm_head.weight`; docs/model.md §6.1) with their exact shapes and how the engine stores them.
import type { ModelSpec } from './model-spec';

/** 'q4': text linears, embed_tokens and lm_head (ARCHITECTURE.md §4); 'dense': kept in the checkpoint's float dtype. */
export type TensorStorage = 'q4' | 'dense';

export interface TensorRequirement {
  name: string;
  shape: number[];
  storage: TensorStorage;
  tower: 'vision' | 'text';
}

export function checkpointTensors(spec: ModelSpec): TensorRequirement[] {
  const out: TensorRequirement[] = [];
  const v = spec.vision;
  const t = spec.text;
  const dense = (name: string, shape: number[], tower: 'vision' | 'text' = 'vision'): void => {
    out.push({ name, shape, storage: 'dense', tower });
  };
  const q4 = (name: string, shape: number[]): void => {
    out.push({ name, shape, storage: 'q4', tower: 'text' });
  };

  dense('visual.patch_embed.proj.weight', [v.hiddenSize, v.inChannels, v.temporalPatchSize, v.patchSize, v.patchSize]);
  for (let b = 0; b < v.depth; b++) {
    const p = `visual.blocks.${b}`;
    dense(`${p}.norm1.weight`, [v.hiddenSize]);
    dense(`${p}.norm2.weight`, [v.hiddenSize]);
    dense(`${p}.attn.qkv.weight`, [3 * v.hiddenSize, v.hiddenSize]);
    dense(`${p}.attn.qkv.bias`, [3 * v.hiddenSize]);
    dense(`${p}.attn.proj.weight`, [v.hiddenSize, v.hiddenSize]);
    dense(`${p}.attn.proj.bias`, [v.hiddenSize]);
    for (const m of ['gate_proj', 'up_proj']) {
      dense(`${p}.mlp.${m}.weight`, [v.intermediateSize, v.hiddenSize]);
      dense(`${p}.mlp.${m}.bias`, [v.intermediateSize]);
    }
    dense(`${p}.mlp.down_proj.weight`, [v.hiddenSize, v.intermediateSize]);
    dense(`${p}.mlp.down_proj.bias`, [v.hiddenSize]);
  }
  dense('visual.merger.ln_q.weight', [v.hiddenSize]);
  dense('visual.merger.mlp.0.weight', [v.mergerHidden, v.mergerHidden]);
  dense('visual.merger.mlp.0.bias', [v.mergerHidden]);
  dense('visual.merger.mlp.2.weight', [v.outHiddenSize, v.mergerHidden]);
  dense('visual.merger.mlp.2.bias', [v.outHiddenSize]);

  q4('model.embed_tokens.weight', [t.vocabSize, t.hiddenSize]);
  for (let l = 0; l < t.numLayers; l++) {
    const p = `model.layers.${l}`;
    dense(`${p}.input_layernorm.weight`, [t.hiddenSize], 'text');
    dense(`${p}.post_attention_layernorm.weight`, [t.hiddenSize], 'text');
    q4(`${p}.self_attn.q_proj.weight`, [t.qDim, t.hiddenSize]);
    dense(`${p}.self_attn.q_proj.bias`, [t.qDim], 'text');
    q4(`${p}.self_attn.k_proj.weight`, [t.kvDim, t.hiddenSize]);
    dense(`${p}.self_attn.k_proj.bias`, [t.kvDim], 'text');
    q4(`${p}.self_attn.v_proj.weight`, [t.kvDim, t.hiddenSize]);
    dense(`${p}.self_attn.v_proj.bias`, [t.kvDim], 'text');
    q4(`${p}.self_attn.o_proj.weight`, [t.hiddenSize, t.qDim]);
    q4(`${p}.mlp.gate_proj.weight`, [t.intermediateSize, t.hiddenSize]);
    q4(`${p}.mlp.up_proj.weight`, [t.intermediateSize, t.hiddenSize]);
    q4(`${p}.mlp.down_proj.weight`, [t.hiddenSize, t.intermediateSize]);
  }
  dense('model.norm.weight', [t.hiddenSize], 'text');
  // Tied checkpoints have no lm_head: the output projection reads embed_tokens (one q4 copy serves both).
  if (!t.tieWordEmbeddings) q4('lm_head.weight', [t.vocabSize, t.hiddenSize]);
  return out;
}

/** The tensor whose rows the output projection uses: lm_head.weight, or embed_tokens when tied. */
export function outputProjectionName(spec: ModelSpec): string {
  return spec.text.tieWordEmbeddings ? 'model.embed_tokens.weight' : 'lm_head.weight';
}
