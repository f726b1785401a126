// The tokenizer built from the tiny checkpoint's own files against the goldens (transformers 4.51.1's
// Qwen2TokenizerFast): prompt ids and the video span of every case, and the streaming detokenizer against a
// whole-sequence decode, including multi-byte characters that byte-level BPE splits across tokens.
import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import type { CaseMeta, VariantMeta } from '../../test-utils/golden-meta';
import { goldenNames, loadGolden, REPO_ROOT } from '../../test-utils/goldens';
import { QwenTokenizer } from './tokenizer';

const TINY = join(REPO_ROOT, 'public/models/video-r2-tiny');
const readJson = (file: string): unknown => JSON.parse(readFileSync(join(TINY, file), 'utf8'));

const tokenizer = QwenTokenizer.fromFiles({
  tokenizerJson: readJson('tokenizer.json'),
  tokenizerConfig: readJson('tokenizer_config.json') as Record<string, unknown>,
  chatTemplate: (readJson('chat_template.json') as { chat_template: string }).chat_template,
});

const CASES = goldenNames('case');
const VIDEO_PAD = 151656;

/** GPT-2's byte → printable character map (byte-level BPE stores byte b as this character). */
function byteToken(b: number): string {
  const printable = (x: number) => (x >= 0x21 && x <= 0x7e) || (x >= 0xa1 && x <= 0xac) || (x >= 0xae && x <= 0xff);
  if (printable(b)) return String.fromCodePoint(b);
  let n = 0;
  for (let x = 0; x < b; x++) if (!printable(x)) n++;
  return String.fromCodePoint(256 + n);
}

/** Feeds ids one by one; returns every delta and the flushed tail. */
function stream(ids: readonly number[]): { deltas: string[]; tail: string } {
  const dec = tokenizer.streamingDecoder();
  const deltas = ids.map((id) => dec.push(id));
  return { deltas, tail: dec.flush() };
}

/**
 * The streamed text equals the whole decode, and it is prompt: after every token whose prefix decodes without a
 * trailing replacement character, everything up to that point has been emitted (a decoder that held all text
 * back until flush, or dropped/duplicated text at a newline reset, fails here).
 */
function expectStreamsLikeDecode(ids: readonly number[]): void {
  const { deltas, tail } = stream(ids);
  expect(deltas.join('') + tail).toBe(tokenizer.decode(ids));
  let emitted = '';
  deltas.forEach((d, i) => {
    emitted += d;
    const prefix = tokenizer.decode(ids.slice(0, i + 1));
    if (prefix.endsWith('\uFFFD'))
      expect(emitted, `token ${i}: streamed past the decoded prefix`).toBe(prefix.slice(0, emitted.length));
    else expect(emitted).toBe(prefix);
  });
}

describe('QwenTokenizer on the tiny checkpoint vs the goldens', () => {
  it('has the ids of docs/model.md §1.3', () => {
    expect(tokenizer.videoPadId).toBe(VIDEO_PAD);
    expect(tokenizer.tokenId('<|im_start|>')).toBe(151644);
    expect(tokenizer.tokenId('<|im_end|>')).toBe(151645);
    expect(tokenizer.tokenId('<|vision_start|>')).toBe(151652);
    expect(tokenizer.tokenId('<|vision_end|>')).toBe(151653);
  });

  it('builds the demo prompt (default system prompt, \\n{question}\\n{suffix}) exactly as the demo-prompt golden', () => {
    const golden = loadGolden('demo-prompt');
    const meta = golden.meta<CaseMeta>();
    const [, question, ...rest] = meta.prompt.user_text_item.split('\n');
    const suffix = rest.join('\n');
    expect(`\n${question}\n${suffix}`).toBe(meta.prompt.user_text_item);
    const span = meta.generation.video_span;
    const prompt = tokenizer.buildVideoPrompt({ question: question!, suffix }, span[1] - span[0]);
    expect(prompt.text).toBe(meta.prompt.text);
    expect(Array.from(prompt.ids)).toEqual(Array.from(golden.i32('inputs.safetensors', 'input_ids').data));
    expect(prompt.videoSpan).toEqual(span);
  });

  // The other cases use a plain user text (no leading/trailing newline), which buildVideoPrompt's demo layout
  // cannot express; their templated text is checked through encode() and the pad expansion instead.
  it.each(CASES)(
    '%s: the golden prompt text encodes to the golden input_ids once <|video_pad|> is expanded',
    (name) => {
      const golden = loadGolden(name);
      const meta = golden.meta<CaseMeta>();
      const ids = Array.from(golden.i32('inputs.safetensors', 'input_ids').data);
      const [v0, v1] = meta.generation.video_span;
      const [t, h, w] = meta.video_grid_thw;
      expect(v1 - v0).toBe((t * h * w) / 4);
      expect(ids.indexOf(VIDEO_PAD)).toBe(v0);
      expect(ids.lastIndexOf(VIDEO_PAD)).toBe(v1 - 1);
      const single = tokenizer.encode(meta.prompt.text);
      expect(single.filter((id) => id === VIDEO_PAD)).toHaveLength(1);
      const expanded = [...single.slice(0, v0), ...new Array<number>(v1 - v0).fill(VIDEO_PAD), ...single.slice(v0 + 1)];
      expect(expanded).toEqual(ids);
      expect(meta.prompt.input_ids).toEqual(ids);
      expect(tokenizer.decode(ids, false)).toBe(
        meta.prompt.text.replace('<|video_pad|>', '<|video_pad|>'.repeat(v1 - v0)),
      );
    },
  );

  const generated = [...CASES, ...goldenNames('case-q4'), ...goldenNames('case-tied')];
  it.each(generated)('%s: decode and the streaming decoder reproduce the golden continuation text', (name) => {
    const gen = loadGolden(name).meta<CaseMeta | VariantMeta>().generation;
    expect(tokenizer.decode(gen.tokens)).toBe(gen.text);
    expectStreamsLikeDecode(gen.tokens);
  });

  it('streams characters split across tokens: natural BPE splits, single byte tokens, and across a newline reset', () => {
    // Byte-level BPE splits these characters over several tokens (checked: some prefixes end in U+FFFD).
    for (const text of ['🦜 parrot', '窑洞𠀀𪚥 ok', 'line one\n🦜\n𪚥x']) {
      const ids = tokenizer.encode(text);
      expect(tokenizer.decode(ids)).toBe(text);
      const split = ids.findIndex((_, i) => tokenizer.decode(ids.slice(0, i + 1)).endsWith('\uFFFD'));
      expect(split, `${JSON.stringify(text)}: no prefix ends inside a character`).toBeGreaterThanOrEqual(0);
      expectStreamsLikeDecode(ids);
    }
    // One token per UTF-8 byte: 😀 (4 bytes), 中 (3), é (2), with a newline between.
    const bytes = [...new TextEncoder().encode('a😀中\né!')];
    const ids = bytes.map((b) => tokenizer.tokenId(byteToken(b)));
    expect(tokenizer.decode(ids)).toBe('a😀中\né!');
    const { deltas, tail } = stream(ids);
    expect(deltas).toEqual(['a', '', '', '', '😀', '', '', '中', '\n', '', 'é', '!']);
    expect(tail).toBe('');
    expectStreamsLikeDecode(ids);
    // An incomplete character at the end is held back and comes out of flush() as the decoder renders it.
    const cut = ids.slice(0, 3);
    expect(tokenizer.decode(cut)).toBe('a\uFFFD');
    expect(stream(cut)).toEqual({ deltas: ['a', '', ''], tail: '\uFFFD' });
  });
});
