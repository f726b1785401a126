// A q4 or q8 load through the OPFS cache (ARCHITECTURE.md §10, "Resume and integrity"): a complete, intact entry loads
// with no request; a pending entry (an interrupted download) resumes, keeping every part whose source file still has
// the ETag/size it had; anything else starts a fresh entry. Each part reaches the cache as soon as it is made.
import type { GpuContext } from '../../gpu/device';
import type { ProgressFn } from '../../answer';
import { checkpointTensors } from '../../spec/tensors';
import type { Checkpoint } from '../../weights/checkpoint';
import { quotaAdvice, stampLastUsed, storageSummary } from '../../weights/cache/cache-admin';
import type { CachedModel } from '../../weights/cache/cached-model';
import type { CacheWriter } from '../../weights/cache/cache-writer';
import { CacheError, StorageQuotaError } from '../../weights/errors';
import { cacheKey, sameSourceFile, type CacheManifest } from '../../weights/cache/manifest';
import type { WeightCache } from '../../weights/cache/weight-cache';
import { Q8_SCHEME, q8ByteSize, quantScheme, type QuantFormat } from '../../weights/q8-scheme';
import { weightStorageBytes } from '../../weights/storage-size';
import { TransferMeter } from '../../weights/transfer-stats';
import type { UrlSource } from '../../weights/url-source';
import { Qwen25VL } from './model';
import { CACHED_FILES } from '../../weights/model-files';
import type { PartEvent } from './weight-cache';

/** Why the weights were not cached: for a full disk, what to delete to make room (cache-admin.ts). */
async function notSaved(e: unknown, key: string): Promise<string> {
  if (e instanceof StorageQuotaError) {
    const entries = await storageSummary().then(
      (s) => s.entries,
      () => [],
    );
    return `The weights were not saved for next time. ${quotaAdvice(e, entries, key)}`;
  }
  return `The weights were not saved for next time: ${e instanceof Error ? e.message : String(e)}`;
}

export interface CachedLoadArgs {
  cache: WeightCache;
  identity: { modelId: string; revision: string };
  /** The text linears' form; its scheme is part of the entry's key, so a model's q4 and q8 entries coexist. */
  quantFormat: QuantFormat;
  /** Opens the checkpoint (network: config, index, headers). Called at most once. */
  openCheckpoint: () => Promise<Checkpoint>;
  progress: ProgressFn;
  /** Frees the previous model just before weights take GPU memory, announcing the phase. */
  dropPrevious: (phase: 'quantize' | 'cache', totalBytes: number) => void;
  signal?: AbortSignal;
  /** The source's stall watchdog calls `report`; set here so the stall shows in the transfer stats. */
  stall: { report: (idleMs: number) => void };
  /** Said while and after loading from a host that ignores Range (resume unavailable there). */
  noRangeNote: string;
}

/** Source bytes behind fused rows [a, b) of `sources`, per file. */
function sourceBytes(ckpt: Checkpoint, sources: string[], a: number, b: number): Map<string, number> {
  const out = new Map<string, number>();
  let off = 0;
  for (const n of sources) {
    const t = ckpt.tensor(n);
    const rows = t.shape[0] ?? 1;
    const x = Math.max(a, off);
    const y = Math.min(b, off + rows);
    if (x < y) out.set(t.file, (out.get(t.file) ?? 0) + ((y - x) / rows) * t.byteLength);
    off += rows;
  }
  return out;
}

/** Weights whose source tensors live in a file that changed since the parts were written. */
function staleWeights(m: CacheManifest, ckpt: Checkpoint): { labels: string[]; notes: string[] } {
  const source = ckpt.source as Partial<Pick<UrlSource, 'validator'>>;
  const changed = ckpt.files.filter((f) => {
    const now = source.validator?.(f) ?? null;
    return !sameSourceFile(m.source.validators[f], now);
  });
  if (!changed.length) return { labels: [], notes: [] };
  const labels = Object.values(m.tensors)
    .filter((t) => (t.sources ?? [t.name]).some((n) => ckpt.tensors.get(n) && changed.includes(ckpt.tensor(n).file)))
    .map((t) => t.name);
  const notes = changed.map((f) => {
    const was = m.source.validators[f];
    const now = source.validator?.(f);
    return `${f} changed on the server since the interrupted download (ETag ${was?.etag ?? '?'} → ${now?.etag ?? '?'}, size ${was?.size ?? '?'} → ${now?.size ?? '?'}): that file is downloaded again; the others resume.`;
  });
  return { labels, notes };
}

/** Bytes the entry will hold: the quantized tensors in `format`, the rest in their checkpoint dtype. */
function expectedBytes(ckpt: Checkpoint, format: QuantFormat): number {
  const w = weightStorageBytes(ckpt.spec, { quantize: true, sourceDtype: (n) => ckpt.tensor(n).dtype });
  if (format === 'q4') return w.total;
  return w.tensors.reduce(
    (a, t) => a + (t.format === 'q4' ? q8ByteSize(t.shape[0]!, t.shape[1]!, t.name).total : t.bytes),
    0,
  );
}

/** A load through the cache: the model, and the manifest of the entry it now matches (null when not cached). */
export interface CachedLoad {
  model: Qwen25VL;
  fromCache: boolean;
  warnings: string[];
  manifest: CacheManifest | null;
}

export async function loadThroughCache(ctx: GpuContext, args: CachedLoadArgs): Promise<CachedLoad> {
  const { cache, progress, signal, quantFormat } = args;
  const id = { ...args.identity, quantization: quantScheme(quantFormat) };
  const found = await cache.find(id);
  const warnings: string[] = [];
  let ckptPromise: Promise<Checkpoint> | null = null;
  const checkpoint = (): Promise<Checkpoint> => (ckptPromise ??= args.openCheckpoint());
  let writer: CacheWriter;
  let repaired = 0;
  const onPart = (e: PartEvent & { sources?: string[] }): void => {
    if (e.problem && e.from === 'network') repaired++;
  };

  if (found.state === 'complete') {
    // Second visit: no request unless a part turns out damaged (then only that part is fetched).
    const cached = found.model!;
    const spec = await cached.spec();
    writer = await cache.resumeWrite(id, cached.manifest.totalBytes, { ctx });
    args.dropPrevious('cache', cached.progress.bytesTotal);
    let done = 0;
    const total = cached.progress.bytesTotal;
    try {
      const { model } = await Qwen25VL.throughCache(ctx, spec, cached.files, {
        quantFormat,
        writer,
        cached,
        checkpoint,
        ...(signal ? { signal } : {}),
        onCacheBytes: (n) => progress('cache', (done += n), total, 'from this browser’s cache'),
        onPart,
      });
      await stampLastUsed(writer.key);
      if (repaired) {
        warnings.push(
          `${repaired} cached part${repaired > 1 ? 's were' : ' was'} damaged (checksum or size) and fetched again; the rest came from this browser’s cache.`,
        );
        await writer.commit();
      } else await writer.close();
      return { model, fromCache: true, warnings, manifest: cached.manifest };
    } catch (e) {
      await writer.close();
      throw e;
    }
  }

  if (found.state === 'unusable')
    warnings.push(`The cached copy of this model cannot be used by this version (${found.problem}); it is rebuilt.`);
  progress('config', 0, 1);
  const ckpt = await checkpoint();
  progress('config', 1, 1);
  const source = ckpt.source as Partial<Pick<UrlSource, 'validator'>> & { label: string };
  const validators = Object.fromEntries(
    ckpt.files.map((f) => [f, source.validator?.(f) ?? { etag: null, size: null }]),
  );
  const expected = expectedBytes(ckpt, quantFormat);
  try {
    writer = await cache.resumeWrite(id, expected, { ctx, source: { label: source.label, validators } });
  } catch (e) {
    // No room (or no OPFS): load without caching rather than not at all.
    warnings.push(await notSaved(e, cacheKey(id)));
    args.dropPrevious('quantize', ckpt.progress.bytesTotal);
    const loaded = await Qwen25VL.load(ctx, ckpt, {
      quantize: true,
      quantFormat,
      ...(signal ? { signal } : {}),
      onProgress: (phase, done, total, detail) => progress(phase, done, total, detail),
    });
    return { model: loaded.model, fromCache: false, warnings, manifest: null };
  }
  const resumedFrom = found.state === 'pending' ? found.model!.manifest : null;
  try {
    if (resumedFrom) {
      const stale = staleWeights(resumedFrom, ckpt);
      if (stale.labels.length) await writer.forget(stale.labels);
      warnings.push(...stale.notes);
    }
    for (const f of CACHED_FILES) {
      const text = await ckpt.source.readTextOptional(f, signal);
      if (text !== null) await writer.putFile(f, text);
    }
    const totals = new Map<string, number>();
    for (const r of checkpointTensors(ckpt.spec)) {
      const t = ckpt.tensors.get(r.name);
      if (t) totals.set(t.file, (totals.get(t.file) ?? 0) + t.byteLength);
    }
    const m = new TransferMeter(totals);
    m.resumable = ckpt.source.rangeSupported !== false;
    let last = ckpt.progress.bytesDone;
    let resumingNow = false; // while a cached part is counted: its bytes are resumed, not downloaded
    const emit = (detail?: string): void => {
      m.resumable = ckpt.source.rangeSupported === false ? false : m.resumable;
      const s = m.stats();
      const note = detail ?? (s.resumable === false ? args.noRangeNote : warnings.join(' ') || undefined);
      progress('quantize', s.done, s.total, note, s);
    };
    const unsubscribe = ckpt.progress.subscribe((e) => {
      const n = e.bytesDone - last;
      last = e.bytesDone;
      if (n > 0 && !resumingNow) m.downloadedBytes(ckpt.tensor(e.tensor).file, n);
      emit();
    });
    args.stall.report = (idleMs) => {
      m.stalledMs = idleMs;
      emit(`No data for ${Math.round(idleMs / 1000)} s: the connection stalled, retrying…`);
    };
    args.dropPrevious('quantize', ckpt.progress.bytesTotal);
    try {
      const { model, writeFailure } = await Qwen25VL.throughCache(ctx, ckpt.spec, ckpt.source, {
        quantFormat,
        writer,
        cached: found.state === 'pending' ? found.model : null,
        checkpoint,
        ...(signal ? { signal } : {}),
        onPart: (e) => {
          onPart(e);
          const entry = writer.tensor(e.label);
          const sources = entry?.sources ?? [e.label];
          if (e.from === 'cache') {
            resumingNow = true;
            for (const [file, n] of sourceBytes(ckpt, sources, e.row0, e.row0 + e.rows)) {
              m.resumedBytes(file, n);
            }
            // Count the resumed bytes in the checkpoint's own progress too (done reaches total).
            for (const n of sources)
              ckpt.progress.add(n, Math.round((e.rows / (entry?.shape[0] ?? e.rows)) * ckpt.tensor(n).byteLength));
            last = ckpt.progress.bytesDone;
            resumingNow = false;
            m.phase = 'download';
          } else m.phase = 'cache';
          emit();
          m.phase = 'download';
        },
      });
      let manifest: CacheManifest | null = null;
      if (writeFailure) {
        warnings.push(await notSaved(writeFailure, writer.key));
        await writer.close();
      } else {
        manifest = await writer.commit();
        await stampLastUsed(writer.key);
      }
      if (ckpt.source.rangeSupported === false) warnings.push(args.noRangeNote);
      if (m.stats().resumed > 0)
        warnings.unshift(
          `Resumed an interrupted download: ${Math.round(m.stats().resumed / 1e6)} MB were already in this browser’s cache.`,
        );
      return { model, fromCache: false, warnings, manifest };
    } finally {
      unsubscribe();
    }
  } catch (e) {
    await writer.close(); // keeps the parts written so far: the next load resumes from them
    throw e;
  }
}

/**
 * A quantized folder (docs/quantized-folder.md): a cache entry's files outside the cache, loaded like a complete
 * entry — every part checked against its SHA-256 on the way to the GPU — with nothing to fetch or write.
 */
export async function loadQuantizedFolder(
  ctx: GpuContext,
  folder: CachedModel,
  label: string,
  args: Pick<CachedLoadArgs, 'progress' | 'dropPrevious' | 'signal'>,
): Promise<Qwen25VL> {
  const scheme = folder.manifest.quantization;
  const quantFormat = scheme?.id === Q8_SCHEME.id ? 'q8' : 'q4';
  const spec = await folder.spec();
  const total = folder.progress.bytesTotal;
  let done = 0;
  args.dropPrevious('cache', total);
  const loading = Qwen25VL.throughCache(ctx, spec, folder.files, {
    quantFormat,
    writer: null,
    cached: folder,
    checkpoint: () => Promise.reject(new CacheError('a weight the model needs is not in the folder')),
    ...(args.signal ? { signal: args.signal } : {}),
    onCacheBytes: (n) => args.progress('cache', (done += n), total, 'from the quantized folder'),
  });
  try {
    return (await loading).model;
  } catch (e) {
    if (!(e instanceof CacheError)) throw e;
    throw new CacheError(`${label}: ${e.message}. Copy the folder again, or load the original checkpoint.`);
  }
}
