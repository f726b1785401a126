// The text decoder's part of config.json, in either layout: transformers ≤ 4.51 writes the text fields at the
// top level; ≥ 4.52 nests them in `text_config` (and may leave stale copies at the top level). As in HF, the
// nested value wins; a disagreeing top-level copy becomes a warning.
import { ModelSpecError, type ConfigReader } from './config-reader';
import type { TextSpec } from './model-spec';

/** Looks a text field up in text_config first, then at the top level. */
export class TextFields {
  constructor(
    private readonly top: ConfigReader,
    private readonly nested: ConfigReader | null,
    private readonly warnings: string[],
  ) {}

  /** The reader that holds `key` (nested first), or the nested/top reader when neither does. */
  reader(key: string): ConfigReader {
    if (this.nested?.has(key)) {
      if (this.top.has(key) && JSON.stringify(this.top.raw(key)) !== JSON.stringify(this.nested.raw(key))) {
        this.warnings.push(
          `${this.nested.where(key)} = ${JSON.stringify(this.nested.raw(key))} differs from top-level ${key} = ` +
            `${JSON.stringify(this.top.raw(key))}; using text_config's value as transformers does`,
        );
      }
      return this.nested;
    }
    return this.top.has(key) || !this.nested ? this.top : this.nested;
  }
}

/** rope_scaling (≤ 4.5x) or rope_parameters (transformers 5), whichever the config has. */
function ropeBlock(f: TextFields): ConfigReader | null {
  for (const key of ['rope_scaling', 'rope_parameters']) {
    const r = f.reader(key);
    const block = r.child(key);
    if (block) return block;
  }
  return null;
}

export function parseTextSpec(f: TextFields): TextSpec {
  const hiddenSize = f.reader('hidden_size').int('hidden_size');
  const numLayers = f.reader('num_hidden_layers').int('num_hidden_layers');
  const numHeads = f.reader('num_attention_heads').int('num_attention_heads');
  // HF's own default for a missing num_key_value_heads is 8 (a 72B value): require the field instead of guessing.
  const kvReader = f.reader('num_key_value_heads');
  const numKvHeads = kvReader.int('num_key_value_heads');
  const intermediateSize = f.reader('intermediate_size').int('intermediate_size');
  const vocabSize = f.reader('vocab_size').int('vocab_size');

  const where = f.reader('hidden_size');
  if (hiddenSize % numHeads !== 0) {
    where.fail(`hidden_size ${hiddenSize} is not num_attention_heads ${numHeads} × head_dim (not divisible)`);
  }
  const headDim = hiddenSize / numHeads;
  const hdReader = f.reader('head_dim');
  if (hdReader.has('head_dim') && hdReader.int('head_dim') !== headDim) {
    hdReader.fail(
      `head_dim ${hdReader.int('head_dim')} disagrees with hidden_size ${hiddenSize} / num_attention_heads ${numHeads} = ${headDim}; Qwen2.5-VL derives head_dim from these`,
    );
  }
  if (headDim % 2 !== 0)
    where.fail(`head_dim ${headDim} (hidden_size / num_attention_heads) must be even for rotary embeddings`);
  if (numHeads % numKvHeads !== 0) {
    kvReader.fail(`num_attention_heads ${numHeads} is not a multiple of num_key_value_heads ${numKvHeads}`);
  }

  const act = f.reader('hidden_act').str('hidden_act', 'silu');
  if (act !== 'silu') f.reader('hidden_act').fail(`hidden_act "${act}" is not supported (Qwen2.5-VL uses silu)`);
  const swReader = f.reader('use_sliding_window');
  if (swReader.bool('use_sliding_window', false)) {
    swReader.fail(
      'use_sliding_window is true; sliding-window attention is not supported (Qwen2.5-VL checkpoints set it false)',
    );
  }

  const rope = ropeBlock(f);
  if (!rope) {
    throw f
      .reader('rope_scaling')
      .error('rope_scaling.mrope_section is missing; Qwen2.5-VL needs M-RoPE sections (e.g. [16, 24, 24])');
  }
  const ropeType = rope.has('rope_type') ? rope.str('rope_type') : rope.has('type') ? rope.str('type') : 'default';
  // HF rewrites "mrope" to "default": plain RoPE frequencies, no scaling. Anything else would change the angles.
  if (ropeType !== 'mrope' && ropeType !== 'default') {
    rope.fail(
      `rope type "${ropeType}" is not supported; only M-RoPE without scaling ("mrope"/"default") is implemented`,
    );
  }
  const section = rope.intArray('mrope_section', { min: 1 });
  if (section.length !== 3) rope.fail(`mrope_section ${JSON.stringify(section)} must have 3 entries (t, h, w)`);
  const [st, sh, sw] = section as [number, number, number];
  if (st + sh + sw !== headDim / 2) {
    rope.fail(`mrope_section ${JSON.stringify(section)} sums to ${st + sh + sw}, not head_dim/2 = ${headDim / 2}`);
  }
  const thetaReader = rope.has('rope_theta') ? rope : f.reader('rope_theta');
  const ropeTheta = thetaReader.num('rope_theta', { default: 1_000_000, positive: true });

  const tieReader = f.reader('tie_word_embeddings');
  return {
    hiddenSize,
    numLayers,
    numHeads,
    numKvHeads,
    headDim,
    gqaGroup: numHeads / numKvHeads,
    qDim: numHeads * headDim,
    kvDim: numKvHeads * headDim,
    intermediateSize,
    vocabSize,
    ropeTheta,
    mropeSection: [st, sh, sw],
    mropeSectionDoubled: [st, sh, sw, st, sh, sw],
    // HF defaults (Qwen2_5_VLConfig 4.51): eps 1e-5, max positions 32768, untied.
    rmsNormEps: f.reader('rms_norm_eps').num('rms_norm_eps', { default: 1e-5, positive: true }),
    tieWordEmbeddings: tieReader.bool('tie_word_embeddings', false),
    maxPositionEmbeddings: f.reader('max_position_embeddings').int('max_position_embeddings', { default: 32768 }),
  };
}

export { ModelSpecError };
