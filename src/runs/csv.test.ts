import { describe, expect, it } from 'vitest';
import { runsToCsv } from './csv';
import { SYNTHETIC, syntheticRun } from '../test-utils/synthetic-run';

/** A minimal RFC 4180 reader, enough to check what pandas would see. */
function parseCsv(text: string): string[][] {
  const rows: string[][] = [];
  let row: string[] = [];
  let cell = '';
  let quoted = false;
  for (let i = 0; i < text.length; i++) {
    const c = text[i]!;
    if (quoted) {
      if (c === '"' && text[i + 1] === '"') {
        cell += '"';
        i++;
      } else if (c === '"') quoted = false;
      else cell += c;
    } else if (c === '"') quoted = true;
    else if (c === ',' || c === '\n') {
      row.push(cell);
      cell = '';
      if (c === '\n') {
        rows.push(row);
        row = [];
      }
    } else cell += c;
  }
  return rows;
}

describe('runsToCsv', () => {
  it('writes one row per token with its text, section and masses', () => {
    const run = syntheticRun();
    const rows = parseCsv(runsToCsv([run]));
    const [header, ...body] = rows;
    expect(body).toHaveLength(SYNTHETIC.texts.length);
    const col = (name: string) => header!.indexOf(name);
    expect(header!.slice(0, 8).join(',')).toBe('run_id,token,token_id,text,char_start,section,step_ms,vas_attn');
    const r7 = body[7]!;
    expect(r7[col('text')], 'leading spaces survive quoting').toBe(' 00:06');
    expect(r7[col('section')]).toBe('think');
    expect(Number(r7[col('vas_attn')])).toBeCloseTo(0.5, 6);
    expect(Number(r7[col('pair_3')])).toBeCloseTo(0.5, 6);
    expect(Number(r7[col('pair_0')])).toBe(0);
    expect(Number(r7[col('seg_sink')])).toBeCloseTo(0.3, 6);
    expect(body[19]![col('section')]).toBe('answer');
    expect(
      body.filter((r) => r.length !== header!.length),
      'rows with a missing or extra column',
    ).toEqual([]);
  });
});
