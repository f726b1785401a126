// Small helpers over the Origin Private File System (typed loosely where TypeScript's DOM lib lags).
import { StorageQuotaError } from '../errors';

export interface StorageEstimator {
  estimate(): Promise<StorageEstimate>;
}

export async function opfsRoot(): Promise<FileSystemDirectoryHandle> {
  const storage = (globalThis.navigator as Navigator | undefined)?.storage;
  if (!storage?.getDirectory)
    throw new Error(
      'This browser has no Origin Private File System (navigator.storage.getDirectory); the model cache is unavailable',
    );
  return storage.getDirectory();
}

export async function listDirectoryNames(
  dir: FileSystemDirectoryHandle,
): Promise<{ name: string; kind: 'file' | 'directory' }[]> {
  const out: { name: string; kind: 'file' | 'directory' }[] = [];
  const iter = (dir as unknown as { values(): AsyncIterable<FileSystemHandle> }).values();
  for await (const h of iter) out.push({ name: h.name, kind: h.kind });
  return out;
}

export async function fileOrNull(dir: FileSystemDirectoryHandle, name: string): Promise<File | null> {
  try {
    return await (await dir.getFileHandle(name)).getFile();
  } catch (e) {
    if ((e as { name?: string }).name === 'NotFoundError' || (e as { name?: string }).name === 'TypeMismatchError')
      return null;
    throw e;
  }
}

export async function writeWholeFile(
  dir: FileSystemDirectoryHandle,
  name: string,
  data: string | Uint8Array,
): Promise<void> {
  const w = await (await dir.getFileHandle(name, { create: true })).createWritable();
  try {
    await w.write(data as string | Uint8Array<ArrayBuffer>);
    await w.close();
  } catch (e) {
    await w.abort().catch(() => undefined);
    throw e;
  }
}

export async function removeIfPresent(dir: FileSystemDirectoryHandle, name: string, recursive = false): Promise<void> {
  try {
    await dir.removeEntry(name, { recursive });
  } catch (e) {
    if ((e as { name?: string }).name !== 'NotFoundError') throw e;
  }
}

export function isQuotaError(e: unknown): boolean {
  return typeof e === 'object' && e !== null && (e as { name?: string }).name === 'QuotaExceededError';
}

/** Runs an OPFS operation, turning the browser's QuotaExceededError into our StorageQuotaError. */
export async function quotaGuard<T>(
  neededBytes: () => number,
  storage: StorageEstimator | null,
  op: () => Promise<T>,
): Promise<T> {
  try {
    return await op();
  } catch (e) {
    if (!isQuotaError(e)) throw e;
    const est = storage ? await storage.estimate().catch(() => null) : null;
    const avail = est?.quota !== undefined && est.usage !== undefined ? est.quota - est.usage : null;
    throw new StorageQuotaError(neededBytes(), avail);
  }
}
