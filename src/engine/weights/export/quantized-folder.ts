// The quantized folder (docs/quantized-folder.md): a complete cache entry's own files (format v2) — manifest.json,
// one file per part and files/<encoded path> — copied to a folder the user picked, so one download can be shared
// with another browser or machine. Export is a byte copy (manifest last, so a half-written folder has none and is
// never loaded); import reads the folder in place through the same CachedModel the OPFS cache uses, checking every
// part's SHA-256 slices on the way to the GPU, with no download and no quantizing.
import { CacheError } from '../errors';
import { CachedModel } from '../cache/cached-model';
import {
  CACHE_DIR,
  CACHE_FORMAT,
  fileEntryName,
  manifestProblem,
  tensorComplete,
  type CacheManifest,
} from '../cache/manifest';
import { fileOrNull, opfsRoot, removeIfPresent } from '../cache/opfs';
import { Q4_SCHEME } from '../q4-scheme';
import { schemeById } from '../q8-scheme';

export const MANIFEST_FILE = 'manifest.json';
export const FILES_DIR = 'files';

export interface ExportResult {
  /** The folder created inside the picked one (the cache key: model, revision, scheme). */
  folder: string;
  files: number;
  bytes: number;
}

/**
 * Every file of a complete entry, as paths relative to the entry (the manifest excluded: it is copied last): the
 * part files its tensors use, in the order written, then the small files.
 */
export function entryFiles(m: CacheManifest): string[] {
  const used = new Set(Object.values(m.tensors).flatMap((t) => t.parts.flatMap((p) => p.buffers.map((b) => b.blob))));
  return [
    ...m.blobs.filter((b) => used.has(b)),
    ...[...used].filter((b) => !m.blobs.includes(b)),
    ...Object.keys(m.files).map((p) => `${FILES_DIR}/${fileEntryName(p)}`),
  ];
}

/** Why this build cannot load the manifest (format, version, q4/q8 scheme), or null. */
function problemOf(m: CacheManifest): string | null {
  return manifestProblem(m, schemeById(m.quantization?.id) ?? Q4_SCHEME);
}

async function fileAt(dir: FileSystemDirectoryHandle, path: string): Promise<File | null> {
  const parts = path.split('/');
  const name = parts.pop()!;
  let d = dir;
  for (const p of parts) {
    const next = await d.getDirectoryHandle(p).catch(() => null);
    if (!next) return null;
    d = next;
  }
  return fileOrNull(d, name);
}

async function writeFileAt(dir: FileSystemDirectoryHandle, path: string, data: Blob | string): Promise<void> {
  const parts = path.split('/');
  const name = parts.pop()!;
  let d = dir;
  for (const p of parts) d = await d.getDirectoryHandle(p, { create: true });
  const w = await (await d.getFileHandle(name, { create: true })).createWritable();
  try {
    // A Blob is streamed by the browser (a 1 GiB blob never passes through JS memory whole).
    await w.write(data);
    await w.close();
  } catch (e) {
    await w.abort().catch(() => undefined);
    throw e;
  }
}

/**
 * Copies the complete cache entry `key` into a new folder named after it inside `target`. An existing folder of
 * that name is replaced. `onProgress(doneBytes, totalBytes)` follows the copy.
 */
export async function exportCacheEntry(
  key: string,
  target: FileSystemDirectoryHandle,
  opts: { root?: FileSystemDirectoryHandle; onProgress?: (done: number, total: number) => void } = {},
): Promise<ExportResult> {
  const cacheRoot = await (opts.root ?? (await opfsRoot())).getDirectoryHandle(CACHE_DIR, { create: true });
  const dir = await cacheRoot.getDirectoryHandle(key).catch(() => null);
  const manifestFile = dir ? await fileOrNull(dir, MANIFEST_FILE) : null;
  if (!dir || !manifestFile) throw new CacheError(`${key} is not a complete cached model (nothing to export)`);
  const manifestText = await manifestFile.text();
  const manifest = JSON.parse(manifestText) as CacheManifest;
  const problem = problemOf(manifest);
  if (problem) throw new CacheError(`${key} cannot be exported: ${problem}`);
  const paths = entryFiles(manifest);
  const sources: File[] = [];
  for (const p of paths) {
    const f = await fileAt(dir, p);
    if (!f) throw new CacheError(`the cached model ${key} lost ${p}; delete it and load it again`);
    sources.push(f);
  }
  const total = sources.reduce((a, f) => a + f.size, 0) + manifestText.length;
  await removeIfPresent(target, key, true);
  const out = await target.getDirectoryHandle(key, { create: true });
  let done = 0;
  for (const [i, p] of paths.entries()) {
    await writeFileAt(out, p, sources[i]!);
    done += sources[i]!.size;
    opts.onProgress?.(done, total);
  }
  await writeFileAt(out, MANIFEST_FILE, manifestText);
  opts.onProgress?.(total, total);
  return { folder: key, files: paths.length + 1, bytes: total };
}

function notFound(what: string): DOMException {
  return new DOMException(`${what} is not in the folder`, 'NotFoundError');
}

/**
 * A picked folder's files seen through the two FileSystemDirectoryHandle calls CachedModel makes
 * (getDirectoryHandle, getFileHandle → getFile): the folder input gives File objects, not handles.
 */
class FileListDirectory {
  constructor(
    private readonly files: ReadonlyMap<string, File>,
    private readonly prefix = '',
  ) {}

  async getDirectoryHandle(name: string): Promise<FileListDirectory> {
    const p = `${this.prefix}${name}/`;
    if (![...this.files.keys()].some((k) => k.startsWith(p))) throw notFound(`${p}`);
    return new FileListDirectory(this.files, p);
  }

  async getFileHandle(name: string): Promise<{ kind: 'file'; name: string; getFile(): Promise<File> }> {
    const f = this.files.get(`${this.prefix}${name}`);
    if (!f) throw notFound(`${this.prefix}${name}`);
    return { kind: 'file', name, getFile: async () => f };
  }
}

/** Whether a folder's files (paths relative to the picked folder) are a quantized folder rather than a checkpoint. */
export function isQuantizedFolder(files: readonly { path: string }[]): boolean {
  return files.some((f) => f.path === MANIFEST_FILE) && !files.some((f) => f.path === 'config.json');
}

/**
 * Opens a quantized folder for loading. Checks, before any GPU work, that the manifest is one this build reads
 * (format, version, q4 or q8 scheme), that every tensor is complete and every part file is there and long enough.
 * The parts' SHA-256 slices are checked while they are uploaded (CachedModel.readPart). Parts are row ranges, not
 * GPU buffers, so a folder loads on any GPU whatever its binding limit.
 */
export async function openQuantizedFolder(
  files: readonly { path: string; file: File }[],
  label: string,
): Promise<CachedModel> {
  const byPath = new Map(files.map((f) => [f.path, f.file]));
  const manifestFile = byPath.get(MANIFEST_FILE);
  if (!manifestFile) throw new CacheError(`${label} has no ${MANIFEST_FILE}: it is not a quantized folder`);
  let manifest: CacheManifest;
  try {
    manifest = JSON.parse(await manifestFile.text()) as CacheManifest;
  } catch (e) {
    throw new CacheError(
      `${label}: ${MANIFEST_FILE} is not valid JSON (${e instanceof Error ? e.message : String(e)})`,
    );
  }
  if ((manifest as { format?: unknown }).format !== CACHE_FORMAT)
    throw new CacheError(`${label}: ${MANIFEST_FILE} is not a Video-R2 Web quantized-folder manifest`);
  const problem = problemOf(manifest);
  if (problem)
    throw new CacheError(
      `${label} cannot be loaded by this version of the app: ${problem}. Export it again from an up-to-date app, or load the original checkpoint.`,
    );
  if (!manifest.completedAt) throw new CacheError(`${label}: ${MANIFEST_FILE} is of an unfinished entry`);
  for (const t of Object.values(manifest.tensors)) {
    if (!tensorComplete(t)) throw new CacheError(`${label} is incomplete: ${t.name} lacks some of its rows`);
    for (const p of t.parts) {
      for (const b of p.buffers) {
        const blob = byPath.get(b.blob);
        if (!blob) throw new CacheError(`${label} is incomplete: ${b.blob} (holding ${t.name}) is missing`);
        if (b.offset + b.bytes > blob.size)
          throw new CacheError(
            `${label}: ${b.blob} is truncated (${blob.size} bytes; ${t.name} needs ${b.offset + b.bytes}); copy the folder again`,
          );
      }
    }
  }
  for (const path of Object.keys(manifest.files))
    if (!byPath.has(`${FILES_DIR}/${fileEntryName(path)}`))
      throw new CacheError(`${label} is incomplete: ${FILES_DIR}/${fileEntryName(path)} (${path}) is missing`);
  return new CachedModel(new FileListDirectory(byPath) as unknown as FileSystemDirectoryHandle, manifest);
}
