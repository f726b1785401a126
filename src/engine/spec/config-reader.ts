// Typed, checked access to one JSON config object. Every error names the file and the dotted field path,
// so a user with a broken checkpoint sees e.g. "config.json: vision_config.num_heads is missing".

export class ModelSpecError extends Error {
  constructor(message: string) {
    super(message);
    this.name = 'ModelSpecError';
  }
}

type Json = unknown;

export function isRecord(v: Json): v is Record<string, Json> {
  return typeof v === 'object' && v !== null && !Array.isArray(v);
}

export class ConfigReader {
  constructor(
    readonly file: string,
    private readonly obj: Record<string, Json>,
    private readonly prefix = '',
  ) {}

  /** `file: path` as used in error messages. */
  where(key: string): string {
    return `${this.file}: ${this.prefix}${key}`;
  }

  fail(message: string): never {
    throw this.error(message);
  }

  /** The error `fail` throws, for `throw r.error(…)` where control-flow narrowing is needed. */
  error(message: string): ModelSpecError {
    return new ModelSpecError(`${this.file}: ${message}`);
  }

  /** True when the key is present with a non-null value. */
  has(key: string): boolean {
    return this.obj[key] !== undefined && this.obj[key] !== null;
  }

  raw(key: string): Json {
    return this.obj[key];
  }

  /** For an absent key: `def`, or the "is missing" error when there is no default. */
  private orDefault<T>(key: string, def: T | undefined): T {
    if (def !== undefined) return def;
    throw new ModelSpecError(`${this.where(key)} is missing`);
  }

  child(key: string): ConfigReader | null {
    const v = this.obj[key];
    if (v === undefined || v === null) return null;
    if (!isRecord(v)) throw new ModelSpecError(`${this.where(key)} must be an object, got ${describe(v)}`);
    return new ConfigReader(this.file, v, `${this.prefix}${key}.`);
  }

  int(key: string, opts: { default?: number; min?: number } = {}): number {
    const v = this.obj[key];
    if (v === undefined || v === null) return this.orDefault(key, opts.default);
    if (typeof v !== 'number' || !Number.isSafeInteger(v))
      throw new ModelSpecError(`${this.where(key)} must be an integer, got ${describe(v)}`);
    const min = opts.min ?? 1;
    if (v < min) throw new ModelSpecError(`${this.where(key)} is ${v}, must be ≥ ${min}`);
    return v;
  }

  num(key: string, opts: { default?: number; positive?: boolean } = {}): number {
    const v = this.obj[key];
    if (v === undefined || v === null) return this.orDefault(key, opts.default);
    if (typeof v !== 'number' || !Number.isFinite(v))
      throw new ModelSpecError(`${this.where(key)} must be a number, got ${describe(v)}`);
    if (opts.positive && !(v > 0)) throw new ModelSpecError(`${this.where(key)} is ${v}, must be > 0`);
    return v;
  }

  bool(key: string, def: boolean): boolean {
    const v = this.obj[key];
    if (v === undefined || v === null) return def;
    if (typeof v !== 'boolean')
      throw new ModelSpecError(`${this.where(key)} must be true or false, got ${describe(v)}`);
    return v;
  }

  str(key: string, def?: string): string {
    const v = this.obj[key];
    if (v === undefined || v === null) return this.orDefault(key, def);
    if (typeof v !== 'string') throw new ModelSpecError(`${this.where(key)} must be a string, got ${describe(v)}`);
    return v;
  }

  intArray(key: string, opts: { default?: readonly number[]; min?: number } = {}): number[] {
    return this.array(
      key,
      opts.default,
      (x) => typeof x === 'number' && Number.isSafeInteger(x) && x >= (opts.min ?? 0),
      'integers',
    );
  }

  numArray(key: string, def?: readonly number[]): number[] {
    return this.array(key, def, (x) => typeof x === 'number' && Number.isFinite(x), 'numbers');
  }

  /** An integer or a list of integers (HF allows both for eos_token_id). */
  intOrIntList(key: string): number[] | null {
    const v = this.obj[key];
    if (v === undefined || v === null) return null;
    if (typeof v === 'number') return this.intArrayOf(key, [v]);
    if (Array.isArray(v)) return this.intArrayOf(key, v);
    throw new ModelSpecError(`${this.where(key)} must be an integer or a list of integers, got ${describe(v)}`);
  }

  private intArrayOf(key: string, v: Json[]): number[] {
    if (!v.every((x) => typeof x === 'number' && Number.isSafeInteger(x) && x >= 0)) {
      throw new ModelSpecError(`${this.where(key)} must hold non-negative integers, got ${JSON.stringify(v)}`);
    }
    return v as number[];
  }

  private array(key: string, def: readonly number[] | undefined, ok: (x: Json) => boolean, what: string): number[] {
    const v = this.obj[key];
    if (v === undefined || v === null) return [...this.orDefault(key, def)];
    if (!Array.isArray(v) || !v.every(ok))
      throw new ModelSpecError(`${this.where(key)} must be a list of ${what}, got ${JSON.stringify(v)}`);
    return v as number[];
  }
}

function describe(v: Json): string {
  if (Array.isArray(v)) return `a list ${JSON.stringify(v).slice(0, 60)}`;
  if (v === null) return 'null';
  return `${typeof v} ${JSON.stringify(v).slice(0, 60)}`;
}

/** Parses a JSON file's text into an object, with the file name in the error. */
export function parseJsonObject(file: string, text: string): Record<string, unknown> {
  let v: unknown;
  try {
    v = JSON.parse(text);
  } catch (e) {
    throw new ModelSpecError(`${file} is not valid JSON: ${(e as Error).message}`);
  }
  if (!isRecord(v)) throw new ModelSpecError(`${file} must hold a JSON object`);
  return v;
}
