// decodeBase64Strict (OpenSSH's b64_pton, as sshsig and key lines are read) without its regular
// expression: the re-encoding comparison alone must refuse exactly what the alphabet, padding and
// length checks refused before. The old reader is the oracle, over strings made of base64's alphabet,
// base64url's, padding in any place, whitespace and bytes no base64 has.
import fc from 'fast-check';
import { decodeBase64Strict } from '../../src/collect/signatures/ssh-key.js';

function before(text: string): Uint8Array | undefined {
  const s = text.replace(/[ \t\n\v\f\r]/g, '');
  if (!/^[A-Za-z0-9+/]*(?:[A-Za-z0-9+/]{2}==|[A-Za-z0-9+/]{3}=)?$/.test(s) || s.length % 4 !== 0) return undefined;
  const out = Buffer.from(s, 'base64');
  if (out.toString('base64') !== s) return undefined;
  return out;
}

const same = (a: Uint8Array | undefined, b: Uint8Array | undefined): boolean =>
  a === undefined || b === undefined ? a === b : Buffer.from(a).equals(b);

test('refuses what OpenSSH refuses, byte for byte as before: url-safe letters, inner or missing padding, slop bits', () => {
  expect(Buffer.from(decodeBase64Strict('U1NIU0lH')!).toString()).toBe('SSHSIG');
  expect(Buffer.from(decodeBase64Strict(' U1NI\nU0lH\n')!).toString()).toBe('SSHSIG');
  expect(decodeBase64Strict('')).toEqual(Buffer.alloc(0));
  for (const bad of [
    'U1N-U0lH',
    'U1N_U0lH',
    'AA==AAAA',
    'AA',
    'AAA',
    'AB==',
    'AAB=',
    'A===',
    '====',
    'U1NI*U0lH',
    'U1NIU0lH=',
    'AA=A',
  ])
    expect([bad, decodeBase64Strict(bad)]).toEqual([bad, undefined]);
});

test('agrees with the regular expression and length checks on generated text', () => {
  const chars = 'ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz0123456789+/'.split('');
  const piece = fc.oneof(
    { weight: 12, arbitrary: fc.constantFrom(...chars) },
    { weight: 2, arbitrary: fc.constantFrom('=', '==') },
    {
      weight: 1,
      arbitrary: fc.constantFrom('-', '_', ' ', '\n', '\t', '\r', '\v', '\f', '*', '.', '\u00e9', '\u0000', '\ufffd'),
    },
  );
  fc.assert(
    fc.property(fc.array(piece, { maxLength: 24 }), (parts) => {
      const text = parts.join('');
      return same(decodeBase64Strict(text), before(text));
    }),
    { numRuns: 20000, seed: 20261206 },
  );
  // Canonical text of random bytes, and every one-character change to it.
  fc.assert(
    fc.property(
      fc.uint8Array({ maxLength: 20 }),
      fc.nat(),
      fc.constantFrom(...chars, '=', '-', '_', ' ', '*'),
      (bytes, at, c) => {
        const text = Buffer.from(bytes).toString('base64');
        const i = text.length ? at % text.length : 0;
        const changed = text.slice(0, i) + c + text.slice(i + 1);
        return same(decodeBase64Strict(text), bytes) && same(decodeBase64Strict(changed), before(changed));
      },
    ),
    { numRuns: 20000, seed: 20261206 },
  );
});
