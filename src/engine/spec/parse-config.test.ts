import { describe, expect, it } from 'vitest';
import config7b from './fixtures/qwen2_5_vl_7b/config.json';
import gen7b from './fixtures/qwen2_5_vl_7b/generation_config.json';
import pre7b from './fixtures/qwen2_5_vl_7b/preprocessor_config.json';
import { parseModelSpec, ModelSpecError } from './parse-config';
import { tinyConfig, nestedLayout } from '../../test-utils/test-configs';

const clone = <T>(v: T): T => JSON.parse(JSON.stringify(v)) as T;

describe('parseModelSpec: Qwen2.5-VL-7B (docs/model.md §1)', () => {
  const spec = parseModelSpec({ config: JSON.stringify(config7b), generationConfig: gen7b, preprocessorConfig: pre7b });

  it('derives the text dimensions', () => {
    expect(spec.text).toEqual({
      hiddenSize: 3584,
      numLayers: 28,
      numHeads: 28,
      numKvHeads: 4,
      headDim: 128,
      gqaGroup: 7,
      qDim: 3584,
      kvDim: 512,
      intermediateSize: 18944,
      vocabSize: 152064,
      ropeTheta: 1e6,
      mropeSection: [16, 24, 24],
      mropeSectionDoubled: [16, 24, 24, 16, 24, 24],
      rmsNormEps: 1e-6,
      tieWordEmbeddings: false,
      maxPositionEmbeddings: 128000,
    });
    expect(spec.configLayout).toBe('flat');
    expect(spec.torchDtype).toBe('bfloat16');
    expect(spec.warnings).toEqual([]);
  });

  it('derives the vision dimensions', () => {
    expect(spec.vision).toEqual({
      depth: 32,
      hiddenSize: 1280,
      numHeads: 16,
      headDim: 80,
      intermediateSize: 3420,
      inChannels: 3,
      patchSize: 14,
      temporalPatchSize: 2,
      spatialMergeSize: 2,
      mergeUnit: 4,
      patchDim: 1176,
      mergerHidden: 5120,
      windowSizePx: 112,
      windowMergedTokens: 4,
      fullAttentionBlocks: [7, 15, 23, 31],
      outHiddenSize: 3584,
      tokensPerSecond: 2,
      ropeTheta: 10000,
      rmsNormEps: 1e-6,
    });
  });

  it('reads token ids, generation defaults (eos list from generation_config) and preprocessing', () => {
    expect(spec.tokens).toEqual({
      videoPad: 151656,
      imagePad: 151655,
      visionStart: 151652,
      visionEnd: 151653,
      visionPad: 151654,
      bos: 151643,
      pad: 151643,
      eos: [151645, 151643],
    });
    expect(spec.generation).toEqual({
      doSample: true,
      temperature: 0.1,
      topK: 1,
      topP: 0.001,
      repetitionPenalty: 1.05,
      source: 'generation_config.json',
    });
    expect(spec.preprocessor).toMatchObject({
      imageMean: [0.48145466, 0.4578275, 0.40821073],
      imageStd: [0.26862954, 0.26130258, 0.27577711],
      minPixels: 3136,
      maxPixels: 12845056,
      patchSize: 14,
      temporalPatchSize: 2,
      mergeSize: 2,
      source: 'preprocessor_config.json',
    });
    expect(spec.preprocessor.rescaleFactor).toBe(1 / 255);
  });

  it('falls back to config.json eos and HF defaults without the optional files', () => {
    const s = parseModelSpec({ config: config7b as Record<string, unknown> });
    expect(s.tokens.eos).toEqual([151645]);
    expect(s.tokens.pad).toBeNull();
    expect(s.generation).toEqual({
      doSample: false,
      temperature: 1,
      topK: 50,
      topP: 1,
      repetitionPenalty: 1,
      source: 'defaults',
    });
    expect(s.preprocessor).toMatchObject({ minPixels: 3136, maxPixels: 1003520, source: 'defaults' });
  });

  it('accepts rope_type "mrope" and the HF-rewritten "default"', () => {
    for (const rs of [
      { rope_type: 'mrope', mrope_section: [16, 24, 24] },
      { type: 'default', rope_type: 'default', mrope_section: [16, 24, 24] },
    ]) {
      const c = clone(config7b) as Record<string, unknown>;
      c.rope_scaling = rs;
      expect(parseModelSpec({ config: c }).text.mropeSection).toEqual([16, 24, 24]);
    }
  });

  it('reads the nested text_config layout of transformers ≥ 4.52 to the same spec', () => {
    const nested = parseModelSpec({
      config: nestedLayout(config7b as Record<string, unknown>),
      generationConfig: gen7b,
      preprocessorConfig: pre7b,
    });
    expect(nested.configLayout).toBe('nested');
    expect(nested.text).toEqual(spec.text);
    expect(nested.vision).toEqual(spec.vision);
    expect(nested.tokens).toEqual(spec.tokens);
  });

  it('lets text_config win over a stale top-level copy, with a warning', () => {
    const c = nestedLayout(config7b as Record<string, unknown>);
    c.vocab_size = 151936;
    const s = parseModelSpec({ config: c });
    expect(s.text.vocabSize).toBe(152064);
    expect(s.warnings.join('\n')).toMatch(
      /text_config\.vocab_size = 152064 differs from top-level vocab_size = 151936/,
    );
  });

  it('takes tie_word_embeddings from text_config when only it has the field', () => {
    const c = nestedLayout(config7b as Record<string, unknown>);
    delete c.tie_word_embeddings;
    (c.text_config as Record<string, unknown>).tie_word_embeddings = true;
    expect(parseModelSpec({ config: c }).text.tieWordEmbeddings, 'tie_word_embeddings').toBe(true);
  });
});

describe('parseModelSpec: tiny checkpoint config', () => {
  it('derives every dimension from a small config', () => {
    const s = parseModelSpec({ config: tinyConfig() });
    expect(s.text).toMatchObject({
      hiddenSize: 64,
      numHeads: 4,
      numKvHeads: 2,
      headDim: 16,
      gqaGroup: 2,
      kvDim: 32,
      mropeSectionDoubled: [2, 3, 3, 2, 3, 3],
    });
    expect(s.vision).toMatchObject({
      hiddenSize: 32,
      numHeads: 2,
      headDim: 16,
      patchDim: 1176,
      mergerHidden: 128,
      windowMergedTokens: 4,
      fullAttentionBlocks: [1],
      tokensPerSecond: 2,
    });
  });

  it('uses the HF class default tokens_per_second = 4 when the checkpoint omits it', () => {
    const c = tinyConfig();
    delete (c.vision_config as Record<string, unknown>).tokens_per_second;
    expect(parseModelSpec({ config: c }).vision.tokensPerSecond).toBe(4);
  });
});

describe('parseModelSpec: validation errors', () => {
  const bad = (mutate: (c: Record<string, unknown>) => void): (() => unknown) => {
    const c = clone(config7b) as Record<string, unknown>;
    mutate(c);
    return () => parseModelSpec({ config: c });
  };
  const vc = (c: Record<string, unknown>): Record<string, unknown> => c.vision_config as Record<string, unknown>;

  it.each<[string, (c: Record<string, unknown>) => void, RegExp]>([
    [
      'heads not dividing hidden',
      (c) => (c.num_attention_heads = 27),
      /config\.json: hidden_size 3584 is not num_attention_heads 27 × head_dim/,
    ],
    [
      'kv heads not dividing heads',
      (c) => (c.num_key_value_heads = 3),
      /num_attention_heads 28 is not a multiple of num_key_value_heads 3/,
    ],
    [
      'mrope sections not summing to head_dim/2',
      (c) => (c.rope_scaling = { type: 'mrope', mrope_section: [16, 24, 23] }),
      /mrope_section \[16,24,23\] sums to 63, not head_dim\/2 = 64/,
    ],
    ['missing mrope', (c) => delete c.rope_scaling, /mrope_section is missing/],
    [
      'rope scaling',
      (c) => (c.rope_scaling = { type: 'yarn', factor: 4, mrope_section: [16, 24, 24] }),
      /rope type "yarn" is not supported/,
    ],
    [
      'another architecture',
      (c) => {
        c.architectures = ['Qwen2VLForConditionalGeneration'];
        c.model_type = 'qwen2_vl';
      },
      /architecture Qwen2VLForConditionalGeneration \(model_type qwen2_vl\) is not Qwen2\.5-VL/,
    ],
    [
      'a text-only model',
      (c) => {
        c.architectures = ['Qwen2ForCausalLM'];
        c.model_type = 'qwen2';
      },
      /is not Qwen2\.5-VL/,
    ],
    ['missing hidden_size', (c) => delete c.hidden_size, /config\.json: hidden_size is missing/],
    [
      'missing num_key_value_heads',
      (c) => delete c.num_key_value_heads,
      /config\.json: num_key_value_heads is missing/,
    ],
    ['missing vision_config', (c) => delete c.vision_config, /config\.json: vision_config is missing/],
    ['missing vision depth', (c) => delete vc(c).depth, /config\.json: vision_config\.depth is missing/],
    ['vision heads', (c) => (vc(c).num_heads = 15), /vision_config\.hidden_size 1280 is not num_heads 15 × head_dim/],
    [
      'merger width',
      (c) => (vc(c).out_hidden_size = 2048),
      /out_hidden_size 2048 must equal the text hidden_size 3584/,
    ],
    [
      'full-attention block out of range',
      (c) => (vc(c).fullatt_block_indexes = [7, 32]),
      /fullatt_block_indexes has block 32, but depth is 32/,
    ],
    ['non-integer field', (c) => (c.hidden_size = 3584.5), /config\.json: hidden_size must be an integer/],
    ['wrong type', (c) => (c.num_hidden_layers = '28'), /num_hidden_layers must be an integer, got string/],
    ['sliding window', (c) => (c.use_sliding_window = true), /use_sliding_window is true/],
    ['activation', (c) => (c.hidden_act = 'gelu'), /hidden_act "gelu" is not supported/],
    ['missing video token', (c) => delete c.video_token_id, /video_token_id is missing/],
    ['token outside vocabulary', (c) => (c.video_token_id = 152064), /videoPad = 152064 is outside the vocabulary/],
    [
      'explicit head_dim disagreeing',
      (c) => (c.head_dim = 64),
      /head_dim 64 disagrees with hidden_size 3584 \/ num_attention_heads 28 = 128/,
    ],
  ])('%s', (_label, mutate, message) => {
    const run = bad(mutate);
    expect(run).toThrow(ModelSpecError);
    expect(run).toThrow(message);
  });

  it('names the file for broken JSON and bad optional files', () => {
    expect(() => parseModelSpec({ config: '{"hidden_size": ' })).toThrow(/config\.json is not valid JSON/);
    expect(() =>
      parseModelSpec({ config: config7b as Record<string, unknown>, generationConfig: { top_p: 2 } }),
    ).toThrow(/generation_config\.json: top_p 2 must be in \(0, 1\]/);
    expect(() =>
      parseModelSpec({ config: config7b as Record<string, unknown>, preprocessorConfig: { patch_size: 16 } }),
    ).toThrow(/preprocessor_config\.json: patch_size 16 disagrees with config\.json's vision_config \(14\)/);
    expect(() =>
      parseModelSpec({ config: config7b as Record<string, unknown>, preprocessorConfig: { image_mean: [0.5, 0.5] } }),
    ).toThrow(/image_mean \[0\.5,0\.5\] must have 3 entries/);
  });
});

describe('parseModelSpec: configs written by transformers itself', () => {
  it('reads the 4.51.1 (flat) and 4.55.4 (nested text_config) files of the same tiny model to the same spec', async () => {
    const flat = parseModelSpec({
      config: (await import('./fixtures/tiny-transformers-4.51.1/config.json')).default as Record<string, unknown>,
      generationConfig: (await import('./fixtures/tiny-transformers-4.51.1/generation_config.json')).default as Record<
        string,
        unknown
      >,
    });
    const nested = parseModelSpec({
      config: (await import('./fixtures/tiny-transformers-4.55.4/config.json')).default as Record<string, unknown>,
      generationConfig: (await import('./fixtures/tiny-transformers-4.55.4/generation_config.json')).default as Record<
        string,
        unknown
      >,
    });
    const direct = parseModelSpec({ config: tinyConfig() });
    expect(flat.configLayout).toBe('flat');
    expect(nested.configLayout).toBe('nested');
    for (const s of [flat, nested]) {
      expect(s.text).toEqual(direct.text);
      expect(s.vision).toEqual(direct.vision);
      expect(s.tokens).toEqual({ ...direct.tokens, eos: [101], bos: 100 });
    }
    expect(nested.warnings).toEqual([]);
  });
});
