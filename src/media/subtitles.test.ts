import { describe, expect, it } from 'vitest';
import { MediaError } from './errors';
import { parseSrt, parseSubtitleFile, parseVtt, SubtitleIndex } from './subtitles';

const SRT = [
  '1',
  '00:00:01,000 --> 00:00:02,500',
  'Hello <i>there</i>',
  '',
  '2',
  '00:00:04,000 --> 00:00:05,000',
  '<B>Two</B>',
  '  lines  ',
  '',
  '',
  '3',
  '00:00:03,000 --> 00:00:03,500',
  'Out of order',
  '',
  '4',
  '00:00:06.000 --> 00:00:07.000',
  'Dots are not SRT: skipped as the reference does',
  '',
  '5',
  '00:00:08,000 --> 00:00:09,000 X1:10 X2:20',
  'Position suffix breaks int(): skipped',
  '',
  '00:00:10,000 --> 00:00:11,000',
  'No index line',
  '',
  '6',
  '00:00:12,000 --> 00:00:13,000',
  '',
].join('\r\n');

describe('parseSrt', () => {
  it('follows parse_srt_cached: tags, skipped cues, sorting, optional index', () => {
    expect(parseSrt(SRT)).toEqual([
      { start: 1, end: 2.5, lines: ['Hello there'] },
      { start: 3, end: 3.5, lines: ['Out of order'] },
      { start: 4, end: 5, lines: ['Two', 'lines'] },
      { start: 10, end: 11, lines: ['No index line'] },
    ]);
  });
  it('keeps tags other than b/i/u and handles a BOM and lone CRs', () => {
    expect(parseSrt('\uFEFF1\r00:00:00,500 --> 00:00:01,000\r<font color="red">x</font> <u>y</u>\r')).toEqual([
      { start: 0.5, end: 1, lines: ['<font color="red">x</font> y'] },
    ]);
  });
});

describe('parseVtt', () => {
  it('reads cues with and without hours, ids, settings, notes and inline tags', () => {
    const vtt = [
      'WEBVTT - a title',
      '',
      'NOTE this is a comment',
      'spanning lines',
      '',
      'intro',
      '00:01.000 --> 00:02.000 align:start line:0',
      '<v Roger>Hi &amp; welcome</v>',
      '',
      '01:00:03.250 --> 01:00:04.000',
      '<c.yellow>Later</c> <00:00:03.500>on',
      '',
    ].join('\n');
    expect(parseVtt(vtt)).toEqual([
      { start: 1, end: 2, lines: ['Hi & welcome'] },
      { start: 3603.25, end: 3604, lines: ['Later on'] },
    ]);
  });
  it('requires the WEBVTT header', () => {
    expect(() => parseVtt('00:01.000 --> 00:02.000\nx')).toThrow(MediaError);
  });
});

describe('parseSubtitleFile', () => {
  it('chooses the parser by extension or header and rejects files without cues', () => {
    expect(parseSubtitleFile('a.vtt', 'WEBVTT\n\n00:01.000 --> 00:02.000\nx')).toHaveLength(1);
    expect(parseSubtitleFile('a.txt', 'WEBVTT\n\n00:01.000 --> 00:02.000\nx')).toHaveLength(1);
    expect(parseSubtitleFile('a.srt', '1\n00:00:01,000 --> 00:00:02,000\nx')).toHaveLength(1);
    let code = '';
    try {
      parseSubtitleFile('empty.srt', 'no cues here');
    } catch (e) {
      code = (e as MediaError).code;
    }
    expect(code).toBe('SUBTITLES_INVALID');
  });
});

describe('SubtitleIndex', () => {
  const cues = [
    { start: 1, end: 2, lines: ['a'] },
    { start: 2, end: 3, lines: ['b', 'c'] },
    { start: 5, end: 6, lines: ['d'] },
  ];
  it('finds the active cue with ±50 ms tolerance for increasing times', () => {
    const idx = new SubtitleIndex(cues);
    const times = [0, 0.949, 0.95, 1.5, 1.96, 2.0, 2.5, 3.049, 3.05, 4.96, 6.049, 6.05];
    expect(times.map((t) => idx.textAt(t))).toEqual([
      null,
      null,
      'a',
      'a',
      'b\nc',
      'b\nc',
      'b\nc',
      'b\nc',
      null,
      'd',
      'd',
      null,
    ]);
  });
  it('prefers the later cue where two overlap within the tolerance', () => {
    expect(new SubtitleIndex(cues).textAt(1.99)).toBe('b\nc');
  });
  it('returns null without cues', () => {
    expect(new SubtitleIndex([]).textAt(1)).toBeNull();
  });
});
