// Row-aligned chunking of a tensor's bytes. A tensor [d0, d1, …] is viewed as d0 rows of d1·… elements
// (a 1-D tensor as d0 rows of one element), so a consumer such as the q4 quantizer always receives whole rows.

export interface RowChunk {
  rowStart: number;
  rows: number;
  /** Byte offset of the chunk inside the tensor. */
  byteOffset: number;
  byteLength: number;
}

export interface RowLayout {
  rows: number;
  rowBytes: number;
}

export function rowLayout(shape: readonly number[], elementBytes: number): RowLayout {
  if (shape.length === 0) return { rows: 1, rowBytes: elementBytes };
  const rowElems = shape.slice(1).reduce((a, b) => a * b, 1);
  return { rows: shape[0]!, rowBytes: rowElems * elementBytes };
}

function gcd(a: number, b: number): number {
  return b === 0 ? a : gcd(b, a % b);
}

/**
 * Splits `rows` rows of `rowBytes` bytes into chunks of at most `maxChunkBytes`, each a whole number of rows.
 * Every chunk but the last is a multiple of 4 bytes (so chunk offsets stay 4-aligned for queue.writeBuffer);
 * that can require an even row count when rows are 2 bytes long.
 */
export function planRowChunks(layout: RowLayout, maxChunkBytes: number, what = 'tensor'): RowChunk[] {
  const { rows, rowBytes } = layout;
  if (rows === 0 || rowBytes === 0) return [];
  if (!Number.isSafeInteger(maxChunkBytes) || maxChunkBytes < 4)
    throw new Error(`${what}: maxChunkBytes ${maxChunkBytes} must be an integer ≥ 4`);
  const rowAlign = 4 / gcd(rowBytes, 4);
  let perChunk = Math.floor(maxChunkBytes / rowBytes);
  if (perChunk < rows) perChunk -= perChunk % rowAlign;
  if (perChunk < 1) {
    const need =
      rowAlign > 1 ? `${rowAlign} rows of ${rowBytes} bytes (4-byte alignment)` : `a row of ${rowBytes} bytes`;
    throw new Error(`${what}: ${need} ${rowAlign > 1 ? 'do' : 'does'} not fit maxChunkBytes ${maxChunkBytes}`);
  }
  const out: RowChunk[] = [];
  for (let r = 0; r < rows; r += perChunk) {
    const n = Math.min(perChunk, rows - r);
    out.push({ rowStart: r, rows: n, byteOffset: r * rowBytes, byteLength: n * rowBytes });
  }
  return out;
}
