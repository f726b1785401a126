// The on-disk format of the model cache (Origin Private File System):
//
//   video-r2-models/<key>/manifest.json   written last, at commit: its presence means "complete"
//   video-r2-models/<key>/pending.json    written first (model id, revision, start time), removed at commit
//   video-r2-models/<key>/blob-0000.bin … GPU buffers appended back to back (each buffer in one blob)
//   video-r2-models/<key>/files/<path>    small files (config.json, tokenizer.json, …) by URI-encoded path
//
// A tensor is a list of row parts; each part holds one or more named buffers ('qweight' + 'scales' for q4/q8,
// 'data' for dense), each with its dtype, shape and byte range in a blob.
import type { DType } from '../../gpu/tensor';
import { Q4_SCHEME } from '../q4-scheme';
import type { QuantFormat, QuantScheme } from '../q8-scheme';

export const CACHE_DIR = 'video-r2-models';
export const CACHE_FORMAT = 'video-r2-weights-cache';
export const CACHE_VERSION = 1;

export interface CacheBufferEntry {
  role: string;
  dtype: DType;
  shape: number[];
  blob: string;
  offset: number;
  bytes: number;
}

export interface CachePartEntry {
  row0: number;
  rows: number;
  buffers: CacheBufferEntry[];
}

export interface CacheTensorEntry {
  name: string;
  /** 'q4' (ARCHITECTURE.md §4), 'q8' (docs/model.md §6.3) or the dense dtype. */
  format: QuantFormat | DType;
  /** The logical tensor shape ([out, in] for linears). */
  shape: number[];
  parts: CachePartEntry[];
}

export interface CacheIdentity {
  /** e.g. "MBZUAI/Video-R2", or a local folder's name. */
  modelId: string;
  /** Branch/commit of the source (e.g. "main"), or null when unknown. */
  revision: string | null;
  /** The q4/q8 scheme the tensors were produced with (its id is part of the key, so q4 and q8 entries coexist); null for a cache holding only dense tensors. */
  quantization: QuantScheme | null;
}

export interface CacheManifest extends CacheIdentity {
  format: typeof CACHE_FORMAT;
  version: number;
  key: string;
  /** Where the weights came from and the per-file validators (ETag/size) seen while loading. */
  source: { label: string; validators: Record<string, { etag: string | null; size: number | null }> };
  files: Record<string, { bytes: number }>;
  tensors: Record<string, CacheTensorEntry>;
  blobs: string[];
  totalBytes: number;
  createdAt: string;
  completedAt: string;
}

function slug(s: string): string {
  return (
    s
      .replace(/[^A-Za-z0-9._-]+/g, '-')
      .replace(/^-+|-+$/g, '')
      .slice(0, 60) || 'x'
  );
}

/** FNV-1a, 32 bits: tells apart ids that slug to the same text. */
function fnv1a(s: string): string {
  let h = 0x811c9dc5;
  for (let i = 0; i < s.length; i++) h = Math.imul(h ^ s.charCodeAt(i), 0x01000193) >>> 0;
  return h.toString(16).padStart(8, '0');
}

/** Directory name of a cache entry: readable, filesystem-safe and unique per (model, revision, scheme). */
export function cacheKey(id: CacheIdentity): string {
  const scheme = id.quantization?.id ?? 'dense';
  const full = JSON.stringify([id.modelId, id.revision, scheme]);
  return `${slug(id.modelId)}@${slug(id.revision ?? 'unversioned')}~${slug(scheme)}~${fnv1a(full)}`;
}

/** Why a manifest cannot be used by this build (null when it can). */
export function manifestProblem(m: unknown, expectedQuantization: QuantScheme | null = Q4_SCHEME): string | null {
  const man = m as Partial<CacheManifest> | null;
  if (!man || man.format !== CACHE_FORMAT) return 'not a model cache manifest';
  if (man.version !== CACHE_VERSION)
    return `cache format version ${String(man.version)}, this app reads version ${CACHE_VERSION}`;
  if (
    man.quantization !== null &&
    JSON.stringify(man.quantization) !== JSON.stringify(expectedQuantization ?? Q4_SCHEME)
  ) {
    return `written with another q4 scheme (${man.quantization?.id ?? 'unknown'})`;
  }
  if (typeof man.tensors !== 'object' || man.tensors === null || !Array.isArray(man.blobs))
    return 'manifest lacks tensors or blobs';
  return null;
}

export function fileEntryName(path: string): string {
  return encodeURIComponent(path);
}
