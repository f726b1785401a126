// Typed access to the reference fixtures written by tools/reference (ARCHITECTURE.md §5): golden sets and the
// tiny checkpoints. Each set is a directory with manifest.json (versions, seed, command, sha256 of every file),
// JSON metadata and safetensors tensors. Node tests read from disk (loadGolden); browser-mode tests fetch the
// same files from the Vite server (fetchGolden).
import { createHash } from 'node:crypto';
import { existsSync, readFileSync, readdirSync, statSync } from 'node:fs';
import { dirname, join, resolve } from 'node:path';
import { fileURLToPath } from 'node:url';

export const REPO_ROOT = resolve(dirname(fileURLToPath(import.meta.url)), '../..');
export const FIXTURE_INDEX = 'tools/reference/fixtures/index.json';

export interface ManifestFile {
  sha256: string;
  bytes: number;
}

export interface GoldenManifest {
  format: 1;
  name: string;
  /** checkpoint | videos | case | case-q4 | case-tied | q4-format | slice | slice-q4 */
  kind: string;
  description: string;
  exercises: string[];
  seed: number | null;
  generator: { command: string; versions: Record<string, string> };
  files: Record<string, ManifestFile>;
}

export interface FixtureIndexEntry {
  name: string;
  kind: string;
  /** Directory relative to the repository root. */
  path: string;
}

const DTYPES = {
  F64: Float64Array,
  F32: Float32Array,
  I64: BigInt64Array,
  U64: BigUint64Array,
  I32: Int32Array,
  U32: Uint32Array,
  I16: Int16Array,
  U16: Uint16Array,
  BF16: Uint16Array,
  F16: Uint16Array,
  I8: Int8Array,
  U8: Uint8Array,
  BOOL: Uint8Array,
} as const;

export type SafetensorsDtype = keyof typeof DTYPES;
export type TensorData =
  | Float64Array
  | Float32Array
  | BigInt64Array
  | BigUint64Array
  | Int32Array
  | Uint32Array
  | Int16Array
  | Uint16Array
  | Int8Array
  | Uint8Array;

/** One tensor. BF16/F16 data are the raw 16-bit patterns (use bf16BitsToF32 from hash-weights.ts to widen). */
export interface Tensor<T extends TensorData = TensorData> {
  name: string;
  dtype: SafetensorsDtype;
  shape: number[];
  data: T;
}

export interface SafetensorsFile {
  metadata: Record<string, string>;
  tensors: Map<string, Tensor>;
}

interface HeaderEntry {
  dtype: string;
  shape: number[];
  data_offsets: [number, number];
}

/** Parse a whole safetensors file. Tensor data are copied into aligned typed arrays. */
export function parseSafetensors(bytes: Uint8Array, label = 'safetensors'): SafetensorsFile {
  if (bytes.length < 8) throw new Error(`${label}: ${bytes.length} bytes is too short for a safetensors header`);
  const headerLen = Number(new DataView(bytes.buffer, bytes.byteOffset, 8).getBigUint64(0, true));
  if (8 + headerLen > bytes.length) throw new Error(`${label}: header of ${headerLen} bytes runs past the file end`);
  const header = JSON.parse(new TextDecoder().decode(bytes.subarray(8, 8 + headerLen))) as Record<string, unknown>;
  const base = 8 + headerLen;
  const metadata = (header.__metadata__ ?? {}) as Record<string, string>;
  const tensors = new Map<string, Tensor>();
  for (const [name, value] of Object.entries(header)) {
    if (name === '__metadata__') continue;
    const e = value as HeaderEntry;
    if (!(e.dtype in DTYPES)) throw new Error(`${label}: tensor ${name} has unsupported dtype ${e.dtype}`);
    const dtype = e.dtype as SafetensorsDtype;
    const Ctor = DTYPES[dtype];
    const [begin, end] = e.data_offsets;
    const count = e.shape.reduce((a, b) => a * b, 1);
    if (end - begin !== count * Ctor.BYTES_PER_ELEMENT || base + end > bytes.length) {
      throw new Error(`${label}: tensor ${name} [${e.shape.join(', ')}] ${dtype} has data_offsets [${begin}, ${end}]`);
    }
    const copy = bytes.slice(base + begin, base + end); // fresh, aligned buffer
    tensors.set(name, { name, dtype, shape: e.shape, data: new Ctor(copy.buffer, 0, count) });
  }
  return { metadata, tensors };
}

type Reader = (file: string) => Uint8Array;

/** One golden set (or checkpoint directory) with typed accessors. */
export class GoldenSet {
  private readonly parsed = new Map<string, SafetensorsFile>();

  constructor(
    readonly name: string,
    /** Directory relative to the repository root. */
    readonly path: string,
    readonly manifest: GoldenManifest,
    private readonly read: Reader,
  ) {}

  get kind(): string {
    return this.manifest.kind;
  }

  bytes(file: string): Uint8Array {
    if (!(file in this.manifest.files)) throw new Error(`golden ${this.name} has no file ${file}`);
    return this.read(file);
  }

  json<T = unknown>(file = 'meta.json'): T {
    return JSON.parse(new TextDecoder().decode(this.bytes(file))) as T;
  }

  /** Metadata (meta.json); pass one of the *Meta interfaces below as T. */
  meta<T = unknown>(): T {
    return this.json<T>('meta.json');
  }

  safetensors(file: string): SafetensorsFile {
    let f = this.parsed.get(file);
    if (!f) {
      f = parseSafetensors(this.bytes(file), `${this.name}/${file}`);
      this.parsed.set(file, f);
    }
    return f;
  }

  tensorNames(file: string): string[] {
    return [...this.safetensors(file).tensors.keys()];
  }

  tensor(file: string, name: string): Tensor {
    const t = this.safetensors(file).tensors.get(name);
    if (!t)
      throw new Error(`golden ${this.name}/${file} has no tensor ${name} (has ${this.tensorNames(file).join(', ')})`);
    return t;
  }

  f32(file: string, name: string): Tensor<Float32Array> {
    return this.typed(file, name, 'F32');
  }

  i32(file: string, name: string): Tensor<Int32Array> {
    return this.typed(file, name, 'I32');
  }

  u8(file: string, name: string): Tensor<Uint8Array> {
    return this.typed(file, name, 'U8');
  }

  u16(file: string, name: string): Tensor<Uint16Array> {
    return this.typed(file, name, 'U16');
  }

  u32(file: string, name: string): Tensor<Uint32Array> {
    return this.typed(file, name, 'U32');
  }

  private typed<T extends TensorData>(file: string, name: string, dtype: SafetensorsDtype): Tensor<T> {
    const t = this.tensor(file, name);
    if (t.dtype !== dtype) throw new Error(`golden ${this.name}/${file}:${name} is ${t.dtype}, not ${dtype}`);
    return t as Tensor<T>;
  }
}

export function fixtureIndex(root = REPO_ROOT): FixtureIndexEntry[] {
  const index = JSON.parse(readFileSync(join(root, FIXTURE_INDEX), 'utf8')) as { sets: FixtureIndexEntry[] };
  return index.sets;
}

function entry(name: string, sets: FixtureIndexEntry[]): FixtureIndexEntry {
  const e = sets.find((s) => s.name === name);
  if (!e) throw new Error(`no golden set named ${name}; known: ${sets.map((s) => s.name).join(', ')}`);
  return e;
}

/** Names of the sets in the index, optionally of one kind. */
export function goldenNames(kind?: string): string[] {
  return fixtureIndex()
    .filter((s) => kind === undefined || s.kind === kind)
    .map((s) => s.name);
}

/** A set from disk (Node tests). Files are read on first use. */
export function loadGolden(name: string): GoldenSet {
  const e = entry(name, fixtureIndex());
  const dir = join(REPO_ROOT, e.path);
  const manifest = JSON.parse(readFileSync(join(dir, 'manifest.json'), 'utf8')) as GoldenManifest;
  return new GoldenSet(name, e.path, manifest, (file) => new Uint8Array(readFileSync(join(dir, file))));
}

/** A set over HTTP (browser-mode tests: the Vite server serves the repository root). Fetches every file. */
export async function fetchGolden(name: string, base = '/'): Promise<GoldenSet> {
  const get = async (path: string): Promise<Uint8Array> => {
    const res = await fetch(`${base}${path}`);
    if (!res.ok) throw new Error(`fetching ${base}${path}: HTTP ${res.status}`);
    return new Uint8Array(await res.arrayBuffer());
  };
  const index = JSON.parse(new TextDecoder().decode(await get(FIXTURE_INDEX))) as { sets: FixtureIndexEntry[] };
  const e = entry(name, index.sets);
  const manifest = JSON.parse(new TextDecoder().decode(await get(`${e.path}/manifest.json`))) as GoldenManifest;
  const files = new Map<string, Uint8Array>();
  for (const file of Object.keys(manifest.files)) files.set(file, await get(`${e.path}/${file}`));
  return new GoldenSet(name, e.path, manifest, (file) => files.get(file)!);
}

export interface ChecksumProblem {
  set: string;
  file: string;
  problem: string;
}

/**
 * Every file of every indexed set against its manifest (sha256, size), plus unlisted files and orphan sets.
 * `root` is the repository root (a test points it at a scratch copy).
 */
export function verifyFixtureChecksums(root = REPO_ROOT): ChecksumProblem[] {
  const problems: ChecksumProblem[] = [];
  const sets = fixtureIndex(root);
  for (const s of sets) {
    const dir = join(root, s.path);
    if (!existsSync(join(dir, 'manifest.json'))) {
      problems.push({ set: s.name, file: 'manifest.json', problem: 'missing' });
      continue;
    }
    const m = JSON.parse(readFileSync(join(dir, 'manifest.json'), 'utf8')) as GoldenManifest;
    if (m.name !== s.name || m.kind !== s.kind)
      problems.push({ set: s.name, file: 'manifest.json', problem: `is ${m.kind}/${m.name}` });
    for (const [file, want] of Object.entries(m.files)) {
      const path = join(dir, file);
      if (!existsSync(path)) {
        problems.push({ set: s.name, file, problem: 'missing' });
        continue;
      }
      const data = readFileSync(path);
      const got = createHash('sha256').update(data).digest('hex');
      if (data.length !== want.bytes || got !== want.sha256) {
        problems.push({
          set: s.name,
          file,
          problem: `sha256 ${got} (${data.length} B), manifest says ${want.sha256} (${want.bytes} B)`,
        });
      }
    }
    for (const file of readdirSync(dir)) {
      if (file !== 'manifest.json' && statSync(join(dir, file)).isFile() && !(file in m.files)) {
        problems.push({ set: s.name, file, problem: 'not in the manifest' });
      }
    }
  }
  const indexed = new Set(sets.map((s) => s.path));
  for (const parent of ['tools/reference/fixtures/goldens', 'tools/reference/fixtures/checkpoints']) {
    if (!existsSync(join(root, parent))) continue;
    for (const d of readdirSync(join(root, parent))) {
      if (!indexed.has(`${parent}/${d}`))
        problems.push({ set: d, file: '', problem: `${parent}/${d} is not in ${FIXTURE_INDEX}` });
    }
  }
  return problems;
}
