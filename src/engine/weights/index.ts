// Public surface of weights/: sources, checkpoints, streaming, dense upload, sizes, and the OPFS cache.
export * from './errors';
export { BytesSource, type ReadRangeOptions, type WeightSource } from './source';
export { UrlSource, huggingFaceBase, type UrlSourceOptions } from './url-source';
export { DirectoryHandleSource, FileListSource, relativePaths, type LocalFile } from './local-source';
export {
  Checkpoint,
  INDEX_FILE,
  SINGLE_FILE,
  openCheckpoint,
  readSafetensorsHeader,
  type CheckpointConfigTexts,
  type OpenOptions,
} from './checkpoint';
export type { StoredTensor } from './checklist';
export { canonicalTensorName, storedTensorName, type NamingLayout } from './names';
export { DTYPE_BYTES, type SafetensorsDType } from './safetensors';
export { DEFAULT_MAX_CHUNK_BYTES, type StreamOptions, type TensorChunk } from './tensor-stream';
export { planRowChunks, rowLayout, type RowChunk, type RowLayout } from './chunks';
export { LoadProgress, type ProgressEvent, type ProgressListener } from './progress';
export {
  gpuDtype,
  streamIntoRows,
  streamThroughStaging,
  uploadDense,
  uploadDenseParts,
  writeRows,
  type DensePart,
  type DenseWeight,
  type RowTarget,
  type UploadOptions,
} from './upload';
export { Q4_SCHEME, q4ByteSize, type Q4Scheme } from './q4-scheme';
export { weightStorageBytes, type StorageOptions, type StoredWeightSize, type WeightBytes } from './storage-size';
export { WeightCache, type CachedModelInfo, type CacheOptions } from './cache/weight-cache';
export {
  CacheWriter,
  type GpuBufferToCache,
  type HostBufferToCache,
  type TensorToCache,
  type WriterOptions,
} from './cache/cache-writer';
export { CachedModel, type LoadedPart, type LoadedTensor } from './cache/cached-model';
export { cacheKey, type CacheIdentity, type CacheManifest, type CacheTensorEntry } from './cache/manifest';
