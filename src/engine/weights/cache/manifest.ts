// The on-disk format of the model cache (Origin Private File System), version 2 (ARCHITECTURE.md §10):
//
//   video-r2-models/<key>/manifest.json   written at commit: its presence means "complete"
//   video-r2-models/<key>/pending.json    the manifest in progress: rewritten after every finished part, so an
//                                         interrupted download resumes from it; removed at commit
//   video-r2-models/<key>/<part file>.bin one file per part (a row range of one weight), its buffers back to back
//   video-r2-models/<key>/files/<path>    small files (config.json, tokenizer.json, …) by URI-encoded path
//
// A tensor is a list of row parts; each part holds one or more named buffers ('qweight' + 'scales' for q4/q8,
// 'data' for dense), each with its dtype, shape, byte range in the part's file and the SHA-256 of every
// `checksumSliceBytes` slice of those bytes.
import type { DType } from '../../gpu/tensor';
import { Q4_SCHEME } from '../q4-scheme';
import { sha256Hex } from './checksum';
import type { QuantFormat, QuantScheme } from '../q8-scheme';

export const CACHE_DIR = 'video-r2-models';
export const CACHE_FORMAT = 'video-r2-weights-cache';
/** 2: one file per part, SHA-256 per buffer slice, resumable pending manifest (1: append-only blobs, no checksums). */
export const CACHE_VERSION = 2;
/** Checksums cover each buffer in slices of this many bytes (the last slice may be shorter). */
export const CHECKSUM_SLICE_BYTES = 32 * 1024 * 1024;

export interface CacheBufferEntry {
  role: string;
  dtype: DType;
  shape: number[];
  /** The part's file (every buffer of a part lives in the same file). */
  blob: string;
  offset: number;
  bytes: number;
  /** Hex SHA-256 of each checksumSliceBytes slice of the buffer's bytes, in order. */
  sha256: string[];
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
  /** The checkpoint tensors it is made from (fused rows in this order); a part is reused only while their files are unchanged. */
  sources?: string[];
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
  source: { label: string; validators: Record<string, SourceValidator> };
  files: Record<string, { bytes: number }>;
  /** Complete tensors in a manifest.json; in pending.json also tensors with only some parts written so far. */
  tensors: Record<string, CacheTensorEntry>;
  /** Every part file, in the order written. */
  blobs: string[];
  checksumSliceBytes: number;
  totalBytes: number;
  createdAt: string;
  /** null while pending. */
  completedAt: string | null;
}

/** A source file's identity when its bytes were read: a part is reused only while its file still matches. */
export interface SourceValidator {
  etag: string | null;
  size: number | null;
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
    return `written with another quantization scheme (${man.quantization?.id ?? 'unknown'})`;
  }
  if (
    typeof man.tensors !== 'object' ||
    man.tensors === null ||
    !Array.isArray(man.blobs) ||
    typeof man.checksumSliceBytes !== 'number'
  )
    return 'manifest lacks tensors or blobs';
  return null;
}

export function fileEntryName(path: string): string {
  return encodeURIComponent(path);
}

/** A part's file name: readable, and the same for the same rows of the same weight, so a rewrite replaces it. */
export function partFileName(label: string, row0: number): string {
  return `${encodeURIComponent(label)}@${row0}.bin`;
}

/** Whether a tensor entry's parts cover rows 0 … shape[0] exactly, in order. */
export function tensorComplete(t: CacheTensorEntry): boolean {
  const rows = t.shape[0] ?? 1;
  let next = 0;
  for (const p of [...t.parts].sort((a, b) => a.row0 - b.row0)) {
    if (p.row0 !== next) return false;
    next += p.rows;
  }
  return next === rows;
}

/** Whether two validators name the same bytes: the ETag decides when both have one, otherwise the size. */
export function sameSourceFile(a: SourceValidator | undefined, b: SourceValidator | null): boolean {
  if (!a || !b) return false;
  if (a.etag !== null && b.etag !== null)
    return a.etag === b.etag && (a.size === null || b.size === null || a.size === b.size);
  return a.size !== null && a.size === b.size;
}

/**
 * One SHA-256 naming the weights an entry holds (the run record's `weightsHash`): the digest of one line per
 * buffer — `label@row0:role:` and its slice checksums — with labels sorted and parts in row order. It depends only
 * on the bytes (a re-downloaded or repaired entry keeps it; another quantization or another checkpoint changes it)
 * and costs one small digest, since the slices were hashed when the parts were written.
 */
export async function weightsDigest(m: Pick<CacheManifest, 'tensors'>): Promise<string> {
  const lines: string[] = [];
  for (const label of Object.keys(m.tensors).sort()) {
    const parts = [...m.tensors[label]!.parts].sort((a, b) => a.row0 - b.row0);
    for (const p of parts)
      for (const b of p.buffers) lines.push(`${label}@${p.row0}:${b.role}:${b.sha256.join(',')}\n`);
  }
  return sha256Hex(new TextEncoder().encode(lines.join('')));
}
