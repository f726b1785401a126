// Builds small but complete Qwen2.5-VL checkpoints in Hugging Face layout for the weights tests (Node and
// browser): every tensor the spec requires, seeded bytes, either naming layout, single file or sharded.
import { seededRandom } from './random';
import { parseModelSpec } from '../engine/spec/parse-config';
import { checkpointTensors } from '../engine/spec/tensors';
import { storedTensorName, type NamingLayout } from '../engine/weights/names';
import type { SafetensorsDType } from '../engine/weights/safetensors';
import { writeSafetensors, type TensorToWrite } from './safetensors-write';
import { DTYPE_BYTES } from '../engine/weights/safetensors';

export interface BuildOptions {
  layout?: NamingLayout;
  /** Number of shards (1 = a single model.safetensors without index). */
  shards?: number;
  /** dtype per canonical name (default BF16). */
  dtypeOf?: (name: string) => SafetensorsDType;
  /** Canonical names to leave out (to test the checklist). */
  omit?: readonly string[];
  /** Extra tensors (stored names) to add to the first shard. */
  extra?: readonly TensorToWrite[];
  seed?: number;
}

export function seededBytes(n: number, seed: number): Uint8Array {
  const rnd = seededRandom(seed);
  const out = new Uint8Array(n);
  for (let i = 0; i < n; i++) out[i] = Math.floor(rnd() * 256);
  return out;
}

export interface BuiltCheckpoint {
  files: Record<string, Uint8Array | string>;
  /** Canonical name → the exact bytes written. */
  data: Map<string, { dtype: SafetensorsDType; shape: number[]; bytes: Uint8Array }>;
}

export function buildCheckpoint(config: Record<string, unknown>, opts: BuildOptions = {}): BuiltCheckpoint {
  const spec = parseModelSpec({ config });
  const layout = opts.layout ?? 'legacy';
  const shards = opts.shards ?? 1;
  const omit = new Set(opts.omit ?? []);
  const data: BuiltCheckpoint['data'] = new Map();
  const tensors: TensorToWrite[] = [];
  checkpointTensors(spec).forEach((r, i) => {
    if (omit.has(r.name)) return;
    const dtype = opts.dtypeOf?.(r.name) ?? 'BF16';
    const bytes = seededBytes(r.shape.reduce((a, b) => a * b, 1) * DTYPE_BYTES[dtype], (opts.seed ?? 1) * 100003 + i);
    data.set(r.name, { dtype, shape: r.shape, bytes });
    tensors.push({ name: storedTensorName(r.name, layout), dtype, shape: r.shape, data: bytes });
  });
  const files: Record<string, Uint8Array | string> = { 'config.json': JSON.stringify(config) };
  if (shards === 1) {
    files['model.safetensors'] = writeSafetensors([...tensors, ...(opts.extra ?? [])], { format: 'pt' });
    return { files, data };
  }
  const per = Math.ceil(tensors.length / shards);
  const weightMap: Record<string, string> = {};
  for (let s = 0; s < shards; s++) {
    const file = `model-${String(s + 1).padStart(5, '0')}-of-${String(shards).padStart(5, '0')}.safetensors`;
    const part = [...tensors.slice(s * per, (s + 1) * per), ...(s === 0 ? (opts.extra ?? []) : [])];
    for (const t of part) weightMap[t.name] = file;
    files[file] = writeSafetensors(part, { format: 'pt' });
  }
  files['model.safetensors.index.json'] = JSON.stringify({ metadata: { total_size: 0 }, weight_map: weightMap });
  return { files, data };
}
