// Opens a Hugging Face-layout Qwen2.5-VL checkpoint from any WeightSource: config files → ModelSpec,
// single or sharded safetensors (model.safetensors.index.json), both naming layouts mapped to canonical
// names, and the full tensor checklist. Only headers are read here; tensor data is streamed on demand.
import { parseModelSpec } from '../spec/parse-config';
import type { ModelSpec } from '../spec/model-spec';
import { checkpointTensors } from '../spec/tensors';
import { checkTensors, type StoredTensor } from './checklist';
import { CheckpointError, MissingFileError, SafetensorsError } from './errors';
import { canonicalTensorName, type NamingLayout } from './names';
import { LoadProgress } from './progress';
import { headerLength, parseSafetensorsHeader, type SafetensorsHeader } from './safetensors';
import type { WeightSource } from './source';
import { streamTensor, type StreamOptions, type TensorChunk } from './tensor-stream';

export const INDEX_FILE = 'model.safetensors.index.json';
export const SINGLE_FILE = 'model.safetensors';

export interface CheckpointConfigTexts {
  'config.json': string;
  'generation_config.json': string | null;
  'preprocessor_config.json': string | null;
}

export class Checkpoint {
  /** Bytes of tensor data delivered so far vs. all the spec needs. */
  readonly progress: LoadProgress;

  constructor(
    readonly source: WeightSource,
    readonly spec: ModelSpec,
    readonly configTexts: CheckpointConfigTexts,
    /** Safetensors files in index order. */
    readonly files: readonly string[],
    readonly tensors: ReadonlyMap<string, StoredTensor>,
    readonly layout: NamingLayout | 'mixed',
    readonly unused: readonly string[],
    readonly warnings: readonly string[],
  ) {
    const needed = checkpointTensors(spec).reduce((a, r) => a + (tensors.get(r.name)?.byteLength ?? 0), 0);
    this.progress = new LoadProgress(needed);
  }

  tensor(name: string): StoredTensor {
    const t = this.tensors.get(name);
    if (!t)
      throw new CheckpointError(`No tensor ${name} in ${this.source.label}`, [
        `known names are canonical (visual.*, model.*, lm_head.weight)`,
      ]);
    return t;
  }

  /** Streams a tensor in row-aligned chunks (see tensor-stream.ts), counting its bytes in `progress`. */
  stream(name: string, opts: StreamOptions = {}): AsyncGenerator<TensorChunk> {
    return streamTensor(this.source, this.tensor(name), this.progress, opts);
  }
}

function parseIndex(text: string): Map<string, string> {
  let raw: unknown;
  try {
    raw = JSON.parse(text);
  } catch (e) {
    throw new SafetensorsError(`${INDEX_FILE} is not valid JSON: ${(e as Error).message}`);
  }
  const map = (raw as { weight_map?: unknown } | null)?.weight_map;
  if (typeof map !== 'object' || map === null || Array.isArray(map))
    throw new SafetensorsError(`${INDEX_FILE} has no weight_map object`);
  const out = new Map<string, string>();
  for (const [name, file] of Object.entries(map as Record<string, unknown>)) {
    if (typeof file !== 'string' || !file)
      throw new SafetensorsError(`${INDEX_FILE}: weight_map["${name}"] is not a file name`);
    out.set(name, file);
  }
  if (out.size === 0) throw new SafetensorsError(`${INDEX_FILE}: weight_map is empty`);
  return out;
}

export async function readSafetensorsHeader(
  source: WeightSource,
  file: string,
  signal?: AbortSignal,
): Promise<SafetensorsHeader> {
  const prefix = await source.readRange(file, 0, 8, { signal });
  const n = headerLength(file, prefix, await source.knownSize(file));
  const json = await source.readRange(file, 8, 8 + n, { signal });
  // A URL source learns the file size from Content-Range on the first read, so ask again now.
  return parseSafetensorsHeader(file, json, await source.knownSize(file));
}

async function readConfigs(source: WeightSource, signal?: AbortSignal): Promise<CheckpointConfigTexts> {
  const [config, gen, pre] = await Promise.all([
    source.readText('config.json', signal),
    source.readTextOptional('generation_config.json', signal),
    source.readTextOptional('preprocessor_config.json', signal),
  ]);
  return { 'config.json': config, 'generation_config.json': gen, 'preprocessor_config.json': pre };
}

export interface OpenOptions {
  signal?: AbortSignal;
  /** Config texts already read (e.g. from the cache manifest); skips reading them from the source. */
  configTexts?: CheckpointConfigTexts;
}

export async function openCheckpoint(source: WeightSource, opts: OpenOptions = {}): Promise<Checkpoint> {
  const { signal } = opts;
  const configTexts = opts.configTexts ?? (await readConfigs(source, signal));
  const spec = parseModelSpec({
    config: configTexts['config.json'],
    generationConfig: configTexts['generation_config.json'],
    preprocessorConfig: configTexts['preprocessor_config.json'],
  });

  const indexText = await source.readTextOptional(INDEX_FILE, signal);
  const index = indexText === null ? null : parseIndex(indexText);
  const files = index ? [...new Set(index.values())] : [SINGLE_FILE];
  let headers: SafetensorsHeader[];
  try {
    headers = await Promise.all(files.map((f) => readSafetensorsHeader(source, f, signal)));
  } catch (e) {
    if (e instanceof MissingFileError && !index) {
      throw new MissingFileError(`${INDEX_FILE} or ${SINGLE_FILE}`, source.label);
    }
    throw e;
  }

  const problems: string[] = [];
  const tensors = new Map<string, StoredTensor>();
  const layouts = new Set<NamingLayout>();
  for (const h of headers) {
    for (const e of h.entries) {
      if (index && index.get(e.name) !== h.file) {
        // HF's loader finds tensors through the index; a tensor not listed for this shard is invisible to it.
        if (index.has(e.name))
          problems.push(`${e.name} is in ${h.file}, but ${INDEX_FILE} places it in ${index.get(e.name)}`);
        continue;
      }
      const { canonical, layout } = canonicalTensorName(e.name);
      if (layout) layouts.add(layout);
      const prev = tensors.get(canonical);
      if (prev) {
        problems.push(
          `${canonical} appears twice: as ${prev.storedName} in ${prev.file} and as ${e.name} in ${h.file}`,
        );
        continue;
      }
      tensors.set(canonical, {
        name: canonical,
        storedName: e.name,
        file: h.file,
        dtype: e.dtype,
        shape: e.shape,
        fileOffset: e.fileOffset,
        byteLength: e.byteLength,
      });
    }
  }
  if (index) {
    const inHeaders = new Set(headers.flatMap((h) => h.entries.map((e) => `${h.file}\u0000${e.name}`)));
    for (const [name, file] of index)
      if (!inHeaders.has(`${file}\u0000${name}`))
        problems.push(`${INDEX_FILE} lists ${name} in ${file}, but that file has no such tensor`);
  }
  const check = checkTensors(spec, tensors);
  problems.push(...check.problems);
  if (problems.length) {
    throw new CheckpointError(
      `The checkpoint at ${source.label} does not match its config.json (${problems.length} problem${problems.length > 1 ? 's' : ''})`,
      problems,
    );
  }
  const layout = layouts.size === 1 ? [...layouts][0]! : layouts.size === 0 ? 'legacy' : 'mixed';
  return new Checkpoint(source, spec, configTexts, files, tensors, layout, check.unused, [
    ...spec.warnings,
    ...check.warnings,
  ]);
}
