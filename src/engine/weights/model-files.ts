// The small files a Qwen2.5-VL checkpoint carries besides its tensors. Dependency-free, so the e2e Hub server can
// serve the same list the cache stores.

/** Small files the model needs besides tensors (config, tokenizer). */
export const CACHED_FILES = [
  'config.json',
  'generation_config.json',
  'preprocessor_config.json',
  'tokenizer.json',
  'tokenizer_config.json',
  'chat_template.json',
];
