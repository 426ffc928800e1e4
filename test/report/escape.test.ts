import { escapeText, escapeBlock, redactUrl, redactUrls, thousands, toSafeJson } from '../../src/domain/escape.js';

describe('escapeText', () => {
  test('turns ANSI escape sequences into visible text', () => {
    expect(escapeText('\u001b[31mred\u001b[0m')).toBe('\\x1b[31mred\\x1b[0m');
  });
  test('escapes bidi overrides and C1 controls', () => {
    expect(escapeText('a\u202eb\u009bc')).toBe('a\\u{202e}b\\x9bc');
  });
  test('escapes newlines in one-line form but keeps them in block form', () => {
    expect(escapeText('a\nb')).toBe('a\\x0ab');
    expect(escapeBlock('a\nb\u0007')).toBe('a\nb\\x07');
  });
  test('escapes invisible format characters, keeps the joiners names and emoji need', () => {
    expect(escapeText('ad\u200bmin\u00ad \u{e0041}\u{e007f} \u2060\ufff9')).toBe(
      'ad\\u{200b}min\\xad \\u{e0041}\\u{e007f} \\u{2060}\\u{fff9}',
    );
    expect(escapeText('\u0645\u06cc\u200c\u062e\u0648\u0627\u0647\u0645 \u{1f469}\u200d\u{1f4bb}')).toBe(
      '\u0645\u06cc\u200c\u062e\u0648\u0627\u0647\u0645 \u{1f469}\u200d\u{1f4bb}',
    );
  });
  test('JSON escapes a character beyond U+FFFF as its surrogate pair, which parses back', () => {
    const json = toSafeJson({ s: 'a\u{e0041}b' });
    expect(json).toContain('a\\udb40\\udc41b');
    expect((JSON.parse(json) as { s: string }).s).toBe('a\u{e0041}b');
  });
  test('caps long fields', () => {
    expect(escapeText('x'.repeat(500), 10)).toBe(`${'x'.repeat(10)}…`);
  });
});

describe('redactUrl', () => {
  test('hides the password but keeps the user', () => {
    expect(redactUrl('https://bob:hunter2@example.com/r.git')).toBe('https://bob:***@example.com/r.git');
  });
  test('hides a bare token', () => {
    expect(redactUrl('https://ghp_abc@github.com/o/r')).toBe('https://***@github.com/o/r');
  });
  test('hides a password that holds "@" up to the last "@" before the path', () => {
    expect(redactUrl('https://u:p@SECRET@example.com/r.git')).toBe('https://u:***@example.com/r.git');
    expect(redactUrls('url https://u:p@SECRET@example.com/r and ssh://t@k@h/x')).toBe(
      'url https://u:***@example.com/r and ssh://***@h/x',
    );
  });
  test('answers at once on attacker-sized text (the regex it replaced backtracked quadratically)', () => {
    const letters = 'a'.repeat(1_000_000);
    expect(redactUrls(letters)).toBe(letters);
    expect(redactUrls(`${letters}://u:secret@h ${letters}`)).toBe(`${letters}://u:***@h ${letters}`);
    expect(redactUrls('://'.repeat(100_000))).toBe('://'.repeat(100_000));
  });
  test('leaves URLs without userinfo alone', () => {
    expect(redactUrl('https://example.com/a@b')).toBe('https://example.com/a@b');
  });
});

describe('thousands', () => {
  test('groups digits as en-US does, for the counts the text report and the progress line print', () => {
    for (const n of [0, 7, 999, 1000, 12345, 999999, 1000000, 1234567890, -4321])
      expect([n, thousands(n)]).toEqual([n, n.toLocaleString('en-US')]);
  });
});
