// SHA-256 of a buffer's bytes in fixed slices (CHECKSUM_SLICE_BYTES), so a part is checked while it streams and
// never held whole. crypto.subtle runs the digest off the JS thread (it overlaps the OPFS and GPU work); a slice
// list is what `sha256sum` of each slice gives, so other tools can produce and check the same manifest.

export async function sha256Hex(bytes: Uint8Array): Promise<string> {
  const d = new Uint8Array(await crypto.subtle.digest('SHA-256', bytes as Uint8Array<ArrayBuffer>));
  let s = '';
  for (const b of d) s += b.toString(16).padStart(2, '0');
  return s;
}

/** Feeds bytes of any chunking; digests every full slice (and the tail at finish()) in order. */
export class SliceDigests {
  private readonly pending: Promise<string>[] = [];
  private acc: Uint8Array | null = null;
  private filled = 0;

  constructor(private readonly sliceBytes: number) {}

  push(bytes: Uint8Array): void {
    let at = 0;
    while (at < bytes.byteLength) {
      if (this.filled === 0 && bytes.byteLength - at >= this.sliceBytes) {
        // The common case (chunks read at slice size): digest in place, no copy.
        this.pending.push(sha256Hex(bytes.subarray(at, at + this.sliceBytes)));
        at += this.sliceBytes;
        continue;
      }
      this.acc ??= new Uint8Array(this.sliceBytes);
      const n = Math.min(this.sliceBytes - this.filled, bytes.byteLength - at);
      this.acc.set(bytes.subarray(at, at + n), this.filled);
      this.filled += n;
      at += n;
      if (this.filled === this.sliceBytes) this.flush();
    }
  }

  private flush(): void {
    this.pending.push(sha256Hex(this.acc!.slice(0, this.filled)));
    this.filled = 0;
  }

  async finish(): Promise<string[]> {
    if (this.filled > 0) this.flush();
    this.acc = null;
    return Promise.all(this.pending);
  }
}

/** Slice digests of one byte array (tests, and the reference a reader compares with). */
export function sha256Slices(bytes: Uint8Array, sliceBytes: number): Promise<string[]> {
  const d = new SliceDigests(sliceBytes);
  d.push(bytes);
  return d.finish();
}
