// One definition of an unsafe character for every output. The table is over the code points the
// six old regexes disagreed on (U+061C, U+2028, U+2029, U+FEFF) and the classic ones (ESC, DEL,
// the one-byte CSI U+009B, bidi overrides): each output form must carry none of them raw.
import { escapeBlock, escapeText, hasUnsafe, isUnsafeChar, stripUnsafe, toSafeJson } from '../../src/domain/escape.js';
import { xmlEscape } from '../../src/report/junit.js';

const UNSAFE: Array<[string, number]> = [
  ['NUL', 0x00],
  ['ESC', 0x1b],
  ['DEL', 0x7f],
  ['C1 NEL', 0x85],
  ['C1 CSI', 0x9b],
  ['ARABIC LETTER MARK', 0x61c],
  ['LRM', 0x200e],
  ['RLM', 0x200f],
  ['LINE SEPARATOR', 0x2028],
  ['PARAGRAPH SEPARATOR', 0x2029],
  ['LRE', 0x202a],
  ['RLO', 0x202e],
  ['LRI', 0x2066],
  ['PDI', 0x2069],
  ['BOM / ZWNBSP', 0xfeff],
];
const SAFE: Array<[string, number]> = [
  ['e acute', 0xe9],
  ['NBSP', 0xa0],
  ['CJK', 0x4e2d],
  ['emoji', 0x1f600],
  ['Arabic letter', 0x627],
];

describe.each(UNSAFE)('%s (U+%s) is unsafe in every output', (_name, cp) => {
  const ch = String.fromCodePoint(cp);
  const s = `Alice${ch}Example`;
  test('the predicate', () => {
    expect(isUnsafeChar(ch)).toBe(true);
    expect(hasUnsafe(s)).toBe(true);
    expect(stripUnsafe(s)).toBe('AliceExample');
  });
  test('text forms', () => {
    expect(escapeText(s)).not.toContain(ch);
    expect(escapeBlock(s)).not.toContain(ch);
  });
  test('JSON: escaped, and parses back to the same string', () => {
    const out = toSafeJson({ name: s });
    expect(out).not.toContain(ch);
    expect((JSON.parse(out) as { name: string }).name).toBe(s);
  });
  test('XML', () => {
    expect(xmlEscape(s)).not.toContain(ch);
  });
});

describe.each(SAFE)('%s (U+%s) is printed as it is', (_name, cp) => {
  const ch = String.fromCodePoint(cp);
  test('everywhere', () => {
    expect(isUnsafeChar(ch)).toBe(false);
    expect(escapeText(`a${ch}b`)).toBe(`a${ch}b`);
    expect(toSafeJson(`a${ch}b`)).toBe(`"a${ch}b"`);
    expect(xmlEscape(`a${ch}b`)).toBe(`a${ch}b`);
  });
});

test('escapeBlock keeps newlines and tabs, escapeText does not', () => {
  expect(escapeBlock('a\nb\tc')).toBe('a\nb\tc');
  expect(escapeText('a\nb\tc')).not.toMatch(/[\n\t]/);
});
