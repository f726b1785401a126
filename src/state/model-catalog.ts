// The checkpoints the app offers. All are Qwen2.5-VL-7B fine-tunes in Hugging Face layout, so one engine
// runs them all and their attention is comparable; the tiny one ships with the app and needs no network.

export interface CatalogModel {
  id: string;
  name: string;
  note: string;
  /** The app's own folder for the bundled model; null for a Hub repository (resolved under the Hub settings). */
  baseUrl: string | null;
  /** Approximate download in bytes (bf16 safetensors), for the confirmation before loading. */
  downloadBytes: number;
  /** A bundled config with the same dimensions, for the memory plan before config.json can be read. */
  architecture: 'qwen2.5-vl-7b' | null;
}

const SEVEN_B_BF16 = 16_584_333_312;

export const TINY_MODEL_ID = 'video-r2-tiny';

export const CATALOG: readonly CatalogModel[] = [
  {
    id: TINY_MODEL_ID,
    name: 'Video-R2 tiny (offline demo)',
    note: 'Random weights in the real architecture: runs instantly anywhere, answers are gibberish.',
    baseUrl: `${import.meta.env.BASE_URL}models/video-r2-tiny/`,
    downloadBytes: 20_000_000,
    architecture: null,
  },
  {
    id: 'MBZUAI/Video-R2',
    name: 'Video-R2 7B',
    note: 'The paper’s model (SFT + GRPO).',
    baseUrl: null,
    downloadBytes: SEVEN_B_BF16,
    architecture: 'qwen2.5-vl-7b',
  },
  {
    id: 'MBZUAI/Video-R2-SFT',
    name: 'Video-R2-SFT 7B',
    note: 'Video-R2 after the SFT stage only (F16 weights).',
    baseUrl: null,
    downloadBytes: SEVEN_B_BF16,
    architecture: 'qwen2.5-vl-7b',
  },
  {
    id: 'Qwen/Qwen2.5-VL-7B-Instruct',
    name: 'Qwen2.5-VL-7B-Instruct',
    note: 'The base model all of these start from.',
    baseUrl: null,
    downloadBytes: SEVEN_B_BF16,
    architecture: 'qwen2.5-vl-7b',
  },
  {
    id: 'Video-R1/Video-R1-7B',
    name: 'Video-R1 7B',
    note: 'Another RL-tuned video reasoner.',
    baseUrl: null,
    downloadBytes: SEVEN_B_BF16,
    architecture: 'qwen2.5-vl-7b',
  },
  {
    id: 'OpenGVLab/VideoChat-R1_5-7B',
    name: 'VideoChat-R1.5 7B',
    note: 'RL-tuned for spatio-temporal perception.',
    baseUrl: null,
    downloadBytes: SEVEN_B_BF16,
    architecture: 'qwen2.5-vl-7b',
  },
];

/** A Hugging Face repo id ("owner/name", or its huggingface.co URL) typed by the user; null if malformed. */
export function customHubModel(repo: string): CatalogModel | null {
  const r = repo
    .trim()
    .replace(/^https:\/\/huggingface\.co\//, '')
    .replace(/\/+$/, '');
  if (!/^[\w.-]+\/[\w.-]+$/.test(r)) return null;
  return {
    id: r,
    name: r,
    note: 'Custom Hugging Face repository (must be a Qwen2.5-VL checkpoint).',
    baseUrl: null,
    downloadBytes: SEVEN_B_BF16,
    architecture: null,
  };
}
