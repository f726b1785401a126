// Bounded reads from a File/Blob: the demuxers never hold more of the file than the piece they are parsing.

export async function readBytes(blob: Blob, start: number, end: number): Promise<Uint8Array> {
  const clampedEnd = Math.min(end, blob.size);
  if (clampedEnd <= start) return new Uint8Array(0);
  return new Uint8Array(await blob.slice(start, clampedEnd).arrayBuffer());
}

export function throwIfAborted(signal: AbortSignal): void {
  if (signal.aborted) throw signal.reason instanceof Error ? signal.reason : new DOMException('Aborted', 'AbortError');
}

const FOURCC_PRINTABLE = /^[\x20-\x7e]{4}$/;

export function fourcc(bytes: Uint8Array, at: number): string {
  return String.fromCharCode(bytes[at] ?? 0, bytes[at + 1] ?? 0, bytes[at + 2] ?? 0, bytes[at + 3] ?? 0);
}

export function isPrintableFourcc(s: string): boolean {
  return FOURCC_PRINTABLE.test(s);
}
