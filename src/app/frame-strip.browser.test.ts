// The strip while frames arrive (issue 12): a placeholder for a frame still to come has the box the frame will have,
// for portrait frames too, so nothing moves when the thumbnails land. Rendered in Chromium with the app's styles.
import { afterEach, describe, expect, it } from 'vitest';
import { page } from 'vitest/browser';
import { createElement } from 'react';
import { createRoot, type Root } from 'react-dom/client';
import { flushSync } from 'react-dom';
import { FrameStrip, type StripFrame } from '../ui/FrameStrip';
import './global.css';
import './app.css';

let root: Root | null = null;
afterEach(() => {
  root?.unmount();
  root = null;
  document.body.replaceChildren();
});

async function frame(ordinal: number, width: number, height: number): Promise<StripFrame> {
  const c = new OffscreenCanvas(width, height);
  const g = c.getContext('2d')!;
  g.fillStyle = `hsl(${ordinal * 45} 70% 50%)`;
  g.fillRect(0, 0, width, height);
  return {
    ordinal,
    sourceIndex: ordinal * 3,
    referenceTime: ordinal,
    presentationTime: ordinal,
    bitmap: c.transferToImageBitmap(),
  };
}

/** Renders the strip with `arrived` of `expected` frames and returns every slot's box, thumbnails first. */
function render(frames: StripFrame[], expected: number, size: { width: number; height: number }) {
  const host = document.createElement('div');
  host.style.width = '640px';
  document.body.append(host);
  root = createRoot(host);
  flushSync(() =>
    root!.render(
      createElement(FrameStrip, { frames, expected, frameSize: size, averageFps: 1, startTime: 0, onSeek: () => {} }),
    ),
  );
  const box = (el: Element) => {
    const r = el.getBoundingClientRect();
    return { width: Math.round(r.width * 10) / 10, height: Math.round(r.height * 10) / 10 };
  };
  return {
    thumbs: [...host.querySelectorAll('button.thumb')].map(box),
    pending: [...host.querySelectorAll('.thumb.pending')].map(box),
  };
}

describe('FrameStrip placeholders (Chromium)', () => {
  for (const [name, size] of [
    ['portrait (a rotated phone video)', { width: 252, height: 448 }],
    ['landscape 4:3', { width: 448, height: 336 }],
    ['very wide', { width: 896, height: 224 }],
  ] as const) {
    it(`a pending frame has the box its thumbnail gets: ${name}`, async () => {
      const arrived = await Promise.all([0, 1, 2].map((i) => frame(i, size.width, size.height)));
      const { thumbs, pending } = render(arrived, 8, size);
      expect(thumbs).toHaveLength(3);
      expect(pending).toHaveLength(5);
      for (const [i, p] of pending.entries())
        expect(p, `placeholder ${i} against thumbnail 0 (${size.width}×${size.height} frames)`).toEqual(thumbs[0]);
      if (name.startsWith('portrait')) {
        expect(thumbs[0]!.height, 'portrait stays portrait').toBeGreaterThan(thumbs[0]!.width);
        // For a person to look at (kept out of git with the other test artifacts).
        await page.screenshot({ path: '../../e2e/.artifacts/screenshots/strip-portrait-pending.png' });
      }
    });
  }
});
