// Reads the first video track's DefaultDuration (ns per frame) from a Matroska/WebM header. libavformat derives
// avg_frame_rate from it (av_reduce(1e9, DefaultDuration, 30000)), and decord's get_avg_fps() returns that, so
// the frame rate we report must come from the same field. mediabunny does not expose it.

const ID = {
  segment: 0x18538067,
  tracks: 0x1654ae6b,
  trackEntry: 0xae,
  trackType: 0x83,
  defaultDuration: 0x23e383,
  cluster: 0x1f43b675,
} as const;

interface Element {
  id: number;
  /** Payload start and end (end = Infinity for unknown sizes). */
  start: number;
  end: number;
}

function readVint(b: Uint8Array, at: number, keepMarker: boolean): { value: number; length: number } | null {
  const first = b[at];
  if (first === undefined || first === 0) return null;
  const length = Math.clz32(first) - 23; // 1..8
  if (at + length > b.length) return null;
  let value = keepMarker ? first : first & (0xff >> length);
  let allOnes = value === 0xff >> length;
  for (let i = 1; i < length; i++) {
    const byte = b[at + i] as number;
    value = value * 256 + byte;
    allOnes &&= byte === 0xff;
  }
  return { value: !keepMarker && allOnes ? Number.POSITIVE_INFINITY : value, length };
}

function readElement(b: Uint8Array, at: number): Element | null {
  const id = readVint(b, at, true);
  if (!id) return null;
  const size = readVint(b, at + id.length, false);
  if (!size) return null;
  const start = at + id.length + size.length;
  return { id: id.value, start, end: start + size.value };
}

function readUint(b: Uint8Array, e: Element): number {
  let v = 0;
  for (let i = e.start; i < e.end && i < b.length; i++) v = v * 256 + (b[i] as number);
  return v;
}

/** DefaultDuration in ns of the first video track, or null if absent (or not within `head`). */
export function firstVideoDefaultDuration(head: Uint8Array): number | null {
  let at = 0;
  // EBML header, then the Segment.
  const ebml = readElement(head, at);
  if (!ebml) return null;
  at = ebml.end;
  const segment = readElement(head, at);
  if (!segment || segment.id !== ID.segment) return null;
  at = segment.start;
  while (at < head.length) {
    const child = readElement(head, at);
    if (!child || child.id === ID.cluster) return null;
    if (child.id === ID.tracks) {
      let t = child.start;
      while (t < Math.min(child.end, head.length)) {
        const entry = readElement(head, t);
        if (!entry) return null;
        if (entry.id === ID.trackEntry) {
          let type = 0;
          let duration: number | null = null;
          for (let f = entry.start; f < Math.min(entry.end, head.length);) {
            const field = readElement(head, f);
            if (!field || !Number.isFinite(field.end)) break;
            if (field.id === ID.trackType) type = readUint(head, field);
            if (field.id === ID.defaultDuration) duration = readUint(head, field);
            f = field.end;
          }
          if (type === 1) return duration;
        }
        t = entry.end;
      }
      return null;
    }
    if (!Number.isFinite(child.end)) return null;
    at = child.end;
  }
  return null;
}
