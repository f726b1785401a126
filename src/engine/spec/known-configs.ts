// Config files of architectures the app offers before any download, so the memory plan of a 7B fine-tune can be
// shown even when its config.json cannot be fetched (offline, or the hub is down). Every catalog 7B model is a
// Qwen2.5-VL-7B fine-tune with these exact dimensions (docs/model.md §1).
import config7b from './fixtures/qwen2_5_vl_7b/config.json';
import generation7b from './fixtures/qwen2_5_vl_7b/generation_config.json';
import preprocessor7b from './fixtures/qwen2_5_vl_7b/preprocessor_config.json';
import type { ConfigFiles } from './parse-config';

export type KnownArchitecture = 'qwen2.5-vl-7b';

export const KNOWN_CONFIGS: Record<KnownArchitecture, ConfigFiles> = {
  'qwen2.5-vl-7b': {
    config: config7b as Record<string, unknown>,
    generationConfig: generation7b as Record<string, unknown>,
    preprocessorConfig: preprocessor7b as Record<string, unknown>,
  },
};
