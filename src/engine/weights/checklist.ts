// Compares what a checkpoint holds with what the ModelSpec requires, and lists every discrepancy at once
// (missing tensors, wrong shapes, duplicate names across layouts) so a user sees the whole picture.
import type { ModelSpec } from '../spec/model-spec';
import { checkpointTensors } from '../spec/tensors';
import type { SafetensorsDType } from './safetensors';

export interface StoredTensor {
  /** Canonical name (see names.ts). */
  name: string;
  storedName: string;
  file: string;
  dtype: SafetensorsDType;
  shape: number[];
  /** Absolute byte offset in the file. */
  fileOffset: number;
  byteLength: number;
}

export interface ChecklistResult {
  problems: string[];
  warnings: string[];
  /** Tensors present but not used by the model (e.g. rotary inv_freq buffers some exporters add). */
  unused: string[];
}

export function checkTensors(spec: ModelSpec, tensors: ReadonlyMap<string, StoredTensor>): ChecklistResult {
  const problems: string[] = [];
  const warnings: string[] = [];
  const required = checkpointTensors(spec);
  const wanted = new Set(required.map((r) => r.name));
  const missing: string[] = [];
  for (const r of required) {
    const t = tensors.get(r.name);
    if (!t) {
      missing.push(r.name);
      continue;
    }
    if (t.shape.length !== r.shape.length || t.shape.some((d, i) => d !== r.shape[i])) {
      problems.push(
        `${t.storedName} (${t.file}) has shape [${t.shape.join(', ')}], the config needs [${r.shape.join(', ')}]`,
      );
    }
  }
  for (const name of missing) {
    if (name === 'lm_head.weight') {
      problems.push(
        'lm_head.weight is missing, and config.json has tie_word_embeddings false (an untied checkpoint needs its own lm_head)',
      );
    } else {
      problems.push(`${name} is missing`);
    }
  }
  if (spec.text.tieWordEmbeddings && tensors.has('lm_head.weight')) {
    warnings.push(
      'lm_head.weight is present but tie_word_embeddings is true: the output projection uses embed_tokens, as transformers does',
    );
    wanted.add('lm_head.weight');
  }
  const unused = [...tensors.keys()].filter((n) => !wanted.has(n)).sort();
  return { problems, warnings, unused };
}
