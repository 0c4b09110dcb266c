import { describe, expect, it } from 'vitest';
import { findUnstorableText, storableText, unstorableTextProblem } from '../../domain/text';

const NUL = 'must not contain a NUL character (\\u0000)';
const SURROGATE = 'must not contain an unpaired UTF-16 surrogate';

describe('unstorableTextProblem', () => {
  it('accepts ordinary text, emoji (a paired surrogate) included', () => {
    expect(unstorableTextProblem('')).toBeNull();
    expect(unstorableTextProblem('Printer 🖨️ jams — again')).toBeNull();
  });

  it('refuses a NUL character', () => {
    expect(unstorableTextProblem('a\u0000b')).toBe(NUL);
  });

  it('refuses half a surrogate pair, leading or trailing', () => {
    expect(unstorableTextProblem('a\uD83Db')).toBe(SURROGATE);
    expect(unstorableTextProblem('\uDDA8')).toBe(SURROGATE);
  });

  it('names the NUL first when both are there', () => {
    expect(unstorableTextProblem('\uD83D\u0000')).toBe(NUL);
  });
});

describe('findUnstorableText', () => {
  it('a bad string on its own is the body', () => {
    expect(findUnstorableText('a\u0000')).toEqual({ field: 'body', problem: NUL });
    expect(findUnstorableText('fine')).toBeNull();
  });

  it('names a nested field by its dotted path', () => {
    expect(findUnstorableText({ title: 'ok', details: { notes: ['fine', 'x\uD83D'] } })).toEqual({ field: 'details.notes.1', problem: SURROGATE });
    expect(findUnstorableText({ subject: 'a\u0000' })).toEqual({ field: 'subject', problem: NUL });
  });

  it('answers the first bad field in order, and looks past good ones', () => {
    expect(findUnstorableText({ a: 'ok', b: 'x\u0000', c: 'y\uD83D' })).toEqual({ field: 'b', problem: NUL });
  });

  it('ignores what is not text', () => {
    expect(findUnstorableText({ n: 1, b: true, z: null, u: undefined, nested: { n: 2 } })).toBeNull();
    expect(findUnstorableText(null)).toBeNull();
    expect(findUnstorableText(42)).toBeNull();
  });
});

describe('storableText', () => {
  it('replaces NUL characters and unpaired surrogates, and keeps everything else, paired emoji included', () => {
    expect(storableText('a\u0000b\ud800c\udc00d 😀')).toBe('a\uFFFDb\uFFFDc\uFFFDd 😀');
    expect(storableText('plain text')).toBe('plain text');
  });
});
