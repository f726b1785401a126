// Builds the ModelSpec from a checkpoint's JSON files and validates it. Errors are ModelSpecError with the
// file and field in the message.
import { ConfigReader, ModelSpecError, parseJsonObject } from './config-reader';
import { parseGeneration, parsePreprocessor } from './extras-config';
import type { ModelSpec, TokenIds } from './model-spec';
import { parseTextSpec, TextFields } from './text-config';
import { parseVisionSpec } from './vision-config';

export const SUPPORTED_ARCHITECTURE = 'Qwen2_5_VLForConditionalGeneration';

export interface ConfigFiles {
  /** config.json (text or parsed object). */
  config: string | Record<string, unknown>;
  generationConfig?: string | Record<string, unknown> | null;
  preprocessorConfig?: string | Record<string, unknown> | null;
}

function asObject(file: string, v: string | Record<string, unknown>): Record<string, unknown> {
  return typeof v === 'string' ? parseJsonObject(file, v) : v;
}

function checkArchitecture(c: ConfigReader): string {
  const modelType = c.has('model_type') ? c.str('model_type') : null;
  const archs = c.has('architectures') ? c.raw('architectures') : null;
  const list = Array.isArray(archs) ? archs.filter((a): a is string => typeof a === 'string') : [];
  if (list.includes(SUPPORTED_ARCHITECTURE) && (modelType === null || modelType === 'qwen2_5_vl'))
    return SUPPORTED_ARCHITECTURE;
  if (list.length === 0 && modelType === 'qwen2_5_vl') return SUPPORTED_ARCHITECTURE;
  const named = list.length ? list.join(', ') : '(none)';
  return c.fail(
    `architecture ${named} (model_type ${modelType ?? '(none)'}) is not Qwen2.5-VL; this app runs ` +
      `${SUPPORTED_ARCHITECTURE} checkpoints (model_type qwen2_5_vl) only` +
      (modelType === 'qwen2_vl' ? ' — Qwen2-VL differs (LayerNorm, no windowed attention)' : ''),
  );
}

function tokenId(c: ConfigReader, nested: ConfigReader | null, key: string): number | null {
  // Token ids live at the top level; ≥ 4.52 text_config copies often hold null for them.
  if (c.has(key)) return c.int(key, { min: 0 });
  if (nested?.has(key)) return nested.int(key, { min: 0 });
  return null;
}

function parseTokens(c: ConfigReader, nested: ConfigReader | null, gen: ConfigReader | null, vocab: number): TokenIds {
  const required = (key: string): number => {
    const v = tokenId(c, nested, key);
    if (v === null) throw c.error(`${key} is missing (Qwen2.5-VL configs name their vision token ids)`);
    return v;
  };
  const eos =
    gen?.intOrIntList('eos_token_id') ?? c.intOrIntList('eos_token_id') ?? nested?.intOrIntList('eos_token_id') ?? null;
  if (!eos || eos.length === 0) throw c.error('eos_token_id is missing in both generation_config.json and config.json');
  const tokens: TokenIds = {
    videoPad: required('video_token_id'),
    imagePad: required('image_token_id'),
    visionStart: required('vision_start_token_id'),
    visionEnd: required('vision_end_token_id'),
    visionPad: tokenId(c, nested, 'vision_token_id'),
    bos: gen?.has('bos_token_id') ? gen.int('bos_token_id', { min: 0 }) : tokenId(c, nested, 'bos_token_id'),
    pad: gen?.has('pad_token_id') ? gen.int('pad_token_id', { min: 0 }) : tokenId(c, nested, 'pad_token_id'),
    eos,
  };
  for (const [name, id] of Object.entries(tokens)) {
    for (const v of Array.isArray(id) ? id : id === null ? [] : [id]) {
      if (v >= vocab) c.fail(`token id ${name} = ${v} is outside the vocabulary (vocab_size ${vocab})`);
    }
  }
  return tokens;
}

export function parseModelSpec(files: ConfigFiles): ModelSpec {
  const c = new ConfigReader('config.json', asObject('config.json', files.config));
  const architecture = checkArchitecture(c);
  const nested = c.child('text_config');
  const warnings: string[] = [];
  const text = parseTextSpec(new TextFields(c, nested, warnings));

  const visionReader = c.child('vision_config');
  if (!visionReader) throw c.error('vision_config is missing');
  const vision = parseVisionSpec(visionReader, text.hiddenSize);

  const gen = files.generationConfig
    ? new ConfigReader('generation_config.json', asObject('generation_config.json', files.generationConfig))
    : null;
  const pre = files.preprocessorConfig
    ? new ConfigReader('preprocessor_config.json', asObject('preprocessor_config.json', files.preprocessorConfig))
    : null;
  const dtypeKey = c.has('torch_dtype') ? 'torch_dtype' : 'dtype';
  return {
    architecture,
    configLayout: nested ? 'nested' : 'flat',
    torchDtype: c.has(dtypeKey) ? c.str(dtypeKey) : nested?.has(dtypeKey) ? nested.str(dtypeKey) : null,
    text,
    vision,
    tokens: parseTokens(c, nested, gen, text.vocabSize),
    generation: parseGeneration(gen),
    preprocessor: parsePreprocessor(pre, vision),
    warnings,
  };
}

export { ModelSpecError };
