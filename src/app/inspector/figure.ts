// Image exports built from what is on screen: the "where it looks" view (heat strip, every pair's map over its
// frame, legend) and a Figure-1 composite (frames at the cited times, transcript excerpts, the box plots). Both are
// SVG (canvases embedded as PNG data, the box plot's SVG with its styles inlined); PNG rasterises that SVG.
import type { RunRecord } from '../../runs/run-record';
import type { ColormapName } from '../../viz/colormaps';
import { colormapLut } from '../../viz/colormaps';
import { cssVar } from './hooks';

const esc = (s: string) => s.replace(/&/g, '&amp;').replace(/</g, '&lt;').replace(/>/g, '&gt;').replace(/"/g, '&quot;');

/**
 * One pair cell of the "where it looks" grid: its frame with the map over it, as a PNG data URL, and the height it
 * takes when drawn `shownWidth` wide.
 */
function pairImage(cell: Element, shownWidth: number): { url: string; shownHeight: number } | null {
  const img = cell.querySelector('.pair-img') as HTMLElement | null;
  const map = cell.querySelector('canvas.map-canvas') as HTMLCanvasElement | null;
  if (!img || !map) return null;
  const frame = cell.querySelector('canvas.pair-frame') as HTMLCanvasElement | null;
  const w = frame?.width || 168;
  const h = frame?.height || Math.round((w * img.clientHeight) / Math.max(1, img.clientWidth));
  const c = document.createElement('canvas');
  c.width = w;
  c.height = h;
  const ctx = c.getContext('2d')!;
  ctx.fillStyle = '#000';
  ctx.fillRect(0, 0, w, h);
  if (frame) ctx.drawImage(frame, 0, 0, w, h);
  ctx.imageSmoothingEnabled = false;
  ctx.globalAlpha = frame ? 0.62 : 1;
  if (map.width) ctx.drawImage(map, 0, 0, w, h);
  return { url: c.toDataURL('image/png'), shownHeight: (shownWidth * h) / w };
}

function gradientDef(id: string, name: ColormapName): string {
  const lut = colormapLut(name);
  const stops = Array.from({ length: 11 }, (_, i) => {
    const k = 4 * Math.round((255 * i) / 10);
    return `<stop offset="${i * 10}%" stop-color="rgb(${lut[k]},${lut[k + 1]},${lut[k + 2]})"/>`;
  });
  return `<linearGradient id="${id}">${stops.join('')}</linearGradient>`;
}

/** An on-screen SVG with its computed styles written inline (so it renders alone). */
function standaloneSvg(svg: SVGSVGElement): string {
  const clone = svg.cloneNode(true) as SVGSVGElement;
  const src = svg.querySelectorAll('*');
  const dst = clone.querySelectorAll('*');
  src.forEach((el, i) => {
    const cs = getComputedStyle(el);
    const d = dst[i] as SVGElement;
    for (const p of ['fill', 'fill-opacity', 'stroke', 'stroke-width', 'font-size', 'font-family'])
      d.style.setProperty(p, cs.getPropertyValue(p));
  });
  clone.setAttribute('xmlns', 'http://www.w3.org/2000/svg');
  return clone.outerHTML;
}

function wrap(text: string, width: number): string[] {
  const lines: string[] = [];
  for (const para of text.split('\n')) {
    let line = '';
    for (const word of para.split(/\s+/)) {
      if ((line + ' ' + word).trim().length > width) {
        if (line) lines.push(line);
        line = word;
      } else line = (line + ' ' + word).trim();
    }
    if (line) lines.push(line);
  }
  return lines;
}

interface Colours {
  bg: string;
  text: string;
  muted: string;
  accent: string;
}

const colours = (): Colours => ({
  bg: cssVar('--panel', '#161b24'),
  text: cssVar('--text', '#e6e9ef'),
  muted: cssVar('--muted', '#9aa4b5'),
  accent: cssVar('--accent-2', '#fde725'),
});

function frame(width: number, height: number, c: Colours, body: string, defs = ''): string {
  return `<svg xmlns="http://www.w3.org/2000/svg" xmlns:xlink="http://www.w3.org/1999/xlink" width="${width}" height="${height}" viewBox="0 0 ${width} ${height}" font-family="system-ui, sans-serif"><defs>${defs}</defs><rect width="100%" height="100%" fill="${c.bg}"/>${body}</svg>`;
}

const pairTime = (cell: Element) => cell.querySelector('.pair-time')?.textContent ?? '';

/**
 * Lays pair cells out `per` to a row from `y`, `width` wide with 8 px gaps from x = 16, and hands each drawable one
 * (its element, image and height) to `draw` with its x and the y of its top edge. Rows are `pad` taller than their
 * tallest image so far.
 */
function cellGrid(
  cells: readonly Element[],
  per: number,
  width: number,
  y: number,
  pad: number,
  draw: (cell: { el: Element; url: string; h: number }, x: number, top: number) => void,
): { rowHeight: number } {
  let rowHeight = 0;
  cells.forEach((el, i) => {
    const img = pairImage(el, width);
    if (!img) return;
    const h = img.shownHeight;
    rowHeight = Math.max(rowHeight, h + pad);
    draw({ el, url: img.url, h }, 16 + (i % per) * (width + 8), y + Math.floor(i / per) * rowHeight);
  });
  return { rowHeight };
}

/** An image at (x, y), framed in `frameColour` unless that is false. */
function markedImage(url: string, x: number, y: number, w: number, h: number, frameColour: string | false): string {
  const image = `<image x="${x}" y="${y}" width="${w}" height="${h}" href="${url}"/>`;
  if (!frameColour) return image;
  return `${image}<rect x="${x}" y="${y}" width="${w}" height="${h}" fill="none" stroke="${frameColour}" stroke-width="2"/>`;
}

/** The "where it looks" view of `root` (the inspector panel) as SVG. */
export function viewSvg(root: HTMLElement, run: RunRecord, colormap: ColormapName, caption: string): string {
  const c = colours();
  const W = 900;
  let y = 28;
  let body = `<text x="16" y="${y}" fill="${c.text}" font-size="15" font-weight="600">${esc(run.meta.label)} — ${esc(caption)}</text>`;
  y += 14;
  const strip = root.querySelector('[data-testid=heat-strip]') as HTMLCanvasElement | null;
  if (strip?.width) {
    body += `<image x="16" y="${y}" width="${W - 32}" height="28" preserveAspectRatio="none" href="${strip.toDataURL('image/png')}"/>`;
    y += 40;
  }
  const cells = Array.from(root.querySelectorAll('.pair-cell'));
  const per = Math.min(8, Math.max(1, cells.length));
  const cw = (W - 32 - (per - 1) * 8) / per;
  const grid = cellGrid(cells, per, cw, y, 16, (cell, x, top) => {
    body += markedImage(cell.url, x, top, cw, cell.h, cell.el.classList.contains('selected') && c.accent);
    body += `<text x="${x}" y="${top + cell.h + 12}" fill="${c.muted}" font-size="10.5">${esc(pairTime(cell.el))}</text>`;
  });
  y += Math.ceil(cells.length / per) * grid.rowHeight + 8;
  body += `<rect x="16" y="${y}" width="300" height="10" fill="url(#cmap)"/>`;
  const legend = root.querySelector('[data-testid=legend] p')?.textContent ?? '';
  wrap(legend, 130).forEach(
    (line, i) => (body += `<text x="16" y="${y + 26 + i * 14}" fill="${c.muted}" font-size="11">${esc(line)}</text>`),
  );
  y += 26 + wrap(legend, 130).length * 14 + 8;
  return frame(W, y, c, body, gradientDef('cmap', colormap));
}

/** The Figure-1 composite: frames (cited pairs marked), transcript excerpts of each run, the box plots. */
export function figureOneSvg(root: Document, runs: readonly RunRecord[], citedPairs: ReadonlySet<number>): string {
  const c = colours();
  const W = 1200;
  let y = 30;
  const first = runs[0]!;
  let body = `<text x="16" y="${y}" fill="${c.text}" font-size="16" font-weight="600">${esc(first.meta.prompt.question.slice(0, 140))}</text>`;
  y += 12;
  const cells = Array.from(root.querySelectorAll('[data-testid=pair-maps] .pair-cell'));
  // Frames at the cited pairs (all pairs when none is cited), at most 8.
  const chosen = cells.filter((_, g) => citedPairs.size === 0 || citedPairs.has(g)).slice(0, 8);
  const cw = (W - 32 - 7 * 8) / 8;
  const grid = cellGrid(chosen, 8, cw, y, 18, (cell, x, top) => {
    const cited = citedPairs.has(Number(cell.el.getAttribute('data-pair')));
    body += markedImage(cell.url, x, top, cw, cell.h, cited && c.accent);
    body += `<text x="${x}" y="${top + cell.h + 13}" fill="${cited ? c.accent : c.muted}" font-size="11">${esc(pairTime(cell.el))}${cited ? ' (cited)' : ''}</text>`;
  });
  y += grid.rowHeight + 10;
  const plot = (root.querySelector('[data-testid=compare-boxplot]') ??
    root.querySelector('[data-testid=summary-boxplot]')) as SVGSVGElement | null;
  const plotW = plot ? Number(plot.getAttribute('width')) : 0;
  const colW = (W - 32 - plotW - 16) / runs.length;
  let textH = 0;
  runs.forEach((r, i) => {
    const x = 16 + i * colW;
    const text = (r.tokens?.text ?? '').replace(/<\/?(think|answer)>/g, (m) =>
      m.startsWith('</') ? '\n' : `${m.slice(1, -1).toUpperCase()}: `,
    );
    const lines = wrap(text, Math.floor(colW / 6.6)).slice(0, 18);
    body += `<text x="${x}" y="${y + 12}" fill="${c.text}" font-size="12" font-weight="600">${esc(r.meta.label.slice(0, 60))}</text>`;
    lines.forEach(
      (l, k) => (body += `<text x="${x}" y="${y + 30 + k * 14}" fill="${c.text}" font-size="11.5">${esc(l)}</text>`),
    );
    textH = Math.max(textH, 30 + lines.length * 14);
  });
  if (plot) body += `<g transform="translate(${W - 16 - plotW}, ${y})">${standaloneSvg(plot)}</g>`;
  y += Math.max(textH, plot ? Number(plot.getAttribute('height')) : 0) + 16;
  body += `<text x="16" y="${y}" fill="${c.muted}" font-size="10.5">Token-wise attention to video tokens (final-layer head mean, VAS-attn). Attention is descriptive, not causal.</text>`;
  return frame(W, y + 12, c, body);
}

/** Rasterises an SVG string to a PNG blob (2× for sharp text). */
export async function svgToPng(svg: string): Promise<Blob> {
  const url = URL.createObjectURL(new Blob([svg], { type: 'image/svg+xml' }));
  try {
    const img = new Image();
    img.src = url;
    await img.decode();
    const c = document.createElement('canvas');
    c.width = img.width * 2;
    c.height = img.height * 2;
    const ctx = c.getContext('2d')!;
    ctx.scale(2, 2);
    ctx.drawImage(img, 0, 0);
    return await new Promise<Blob>((res, rej) =>
      c.toBlob((b) => (b ? res(b) : rej(new Error('The browser could not encode the PNG.'))), 'image/png'),
    );
  } finally {
    URL.revokeObjectURL(url);
  }
}
