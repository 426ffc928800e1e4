// The allowed-signers parser: real files published by real projects, the grammar's corners, and a
// differential check against `ssh-keygen -Y find-principals` (OpenSSH decides which lines count).
import { execFileSync, spawnSync } from 'node:child_process';
import { readFileSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import {
  AllowedSignersError,
  entryAllows,
  parseAbsoluteTime,
  parseAllowedSigners,
} from '../../src/collect/signatures/allowed-signers.js';
import type { AllowedSigner } from '../../src/domain/keys.js';
import { matchPatternList, principalMatches } from '../../src/domain/principals.js';
import { parseSshSignature } from '../../src/collect/signatures/sshsig.js';
import { cleanupTemp, tempDir } from '../helpers/repo.js';
import { makeSshKey, sshSign, type SshTestKey } from '../helpers/ssh.js';

const FIXTURES = new URL('../fixtures/allowed-signers/', import.meta.url).pathname;
const fixture = (name: string): AllowedSigner[] =>
  parseAllowedSigners(readFileSync(join(FIXTURES, name), 'utf8'), name);
/** Local midnight, as OpenSSH reads a time without "Z" (dates here are outside summer time). */
const local = (y: number, m: number, d: number, h = 0, mi = 0): number => new Date(y, m - 1, d, h, mi).getTime() / 1000;

let dir: string;
let key: SshTestKey;
let other: SshTestKey;
afterAll(() => cleanupTemp());
beforeAll(() => {
  dir = tempDir();
  key = makeSshKey(dir, 'ed25519', 'alice');
  other = makeSshKey(dir, 'ecdsa-256', 'bob');
});

describe('real allowed-signers files', () => {
  test('Mikaela/ssh-allowed_signers@721e52b: 7 entries, wildcards, validity windows, a comment line', () => {
    const entries = fixture('mikaela-721e52b');
    expect(entries).toHaveLength(7);
    expect(entries.map((e) => e.line)).toEqual([1, 2, 3, 4, 5, 7, 8]); // line 6 is a "# Luotu..." comment

    const [first, rsa, , jae, mtrnord, leonardo, joel] = entries as [AllowedSigner, ...AllowedSigner[]];
    expect(first.principals).toEqual(['*@aminda.eu', '*@mikaela.info']);
    expect(first.validAfter).toBe(local(2020, 2, 17)); // valid-after="20200217000000"
    expect(first.validBefore).toBe(local(2026, 12, 20)); // valid-before="20261220000000"
    expect(first.key.type).toBe('ssh-ed25519');
    expect(first.comment).toBe('GPG');

    expect(rsa!.key.type).toBe('ssh-rsa');
    expect(rsa!.validAfter).toBe(local(2021, 12, 20)); // 12-digit form "202112200000"
    expect(rsa!.validBefore).toBe(local(2026, 12, 20));

    expect(jae!.principals).toEqual(['*@jae.fi', '*@jae.su', '*@dn0.eu', '*@noiseless.pro']);
    expect(jae!.validAfter).toBe(local(2021, 7, 30));
    expect(jae!.validBefore).toBeUndefined();
    expect(jae!.comment).toBe('Jae Lo Presti, main key, 2021-07-30');

    expect(mtrnord!.principals).toEqual(['mtrnord@nordgedanken.dev']);
    expect(mtrnord!.validAfter).toBe(local(2022, 11, 25)); // 8-digit form "20221125"
    expect(leonardo!.principals).toEqual(['leonardo@mikaela.info']);
    expect(joel!.principals).toEqual(['*@joelkoen.com']);
    expect(entries.every((e) => !e.certAuthority && e.namespaces === undefined)).toBe(true);

    // Wildcard principals cover any address at the domain, and nothing else.
    expect(principalMatches('mikaela@aminda.eu', first.principals)).toBe(true);
    expect(principalMatches('someone@mikaela.info', first.principalList)).toBe(true);
    expect(principalMatches('someone@mikaela.info.evil.example', first.principals)).toBe(false);
    expect(principalMatches('mikaela@jae.fi', first.principals)).toBe(false);
    // E-mails are compared without regard to case, as everywhere in the policy; negation too.
    expect(principalMatches('someone@mikaela.info', ['*@Mikaela.INFO'])).toBe(true);
    expect(principalMatches('Alice@Example.com', ['alice@example.com'])).toBe(true);
    expect(principalMatches('eve@x.example', ['!EVE@x.example', '*@x.example'])).toBe(false);
    expect(principalMatches('eve@x.example', ['Bob@x.example'])).toBe(false);
  });

  test('Mikaela/ssh-allowed_signers@da9332c: one 3072-bit RSA entry', () => {
    const [only, ...rest] = fixture('mikaela-da9332c');
    expect(rest).toHaveLength(0);
    expect(only!.principals).toEqual(['*@mikaela.info', '*@aminda.eu']);
    expect(only!.key.rsa?.bits).toBe(3072);
    // Same key as entry 2 of the later file, which added a validity window.
    expect(only!.key.fingerprint).toBe(fixture('mikaela-721e52b')[1]!.key.fingerprint);
  });

  test('privacyguides/verified-apps@46c6750: two plain entries', () => {
    const entries = fixture('privacyguides-46c6750');
    expect(entries.map((e) => e.principals)).toEqual([['jonah@privacyguides.org'], ['github-bot@privacyguides.net']]);
    expect(entries.every((e) => e.key.type === 'ssh-ed25519' && e.validAfter === undefined && e.comment === '')).toBe(
      true,
    );
  });

  test('fingerprints equal ssh-keygen -l for every real key', () => {
    for (const name of ['mikaela-721e52b', 'mikaela-da9332c', 'privacyguides-46c6750']) {
      for (const e of fixture(name)) {
        const pub = join(dir, 'k.pub');
        writeFileSync(pub, `${e.key.type} ${Buffer.from(e.key.canonical).toString('base64')}\n`);
        const out = execFileSync('ssh-keygen', ['-l', '-E', 'sha256', '-f', pub]).toString();
        expect(out.split(' ')[1]).toBe(e.key.fingerprint);
      }
    }
  });
});

describe('grammar', () => {
  const pub = (): string => key.pub;
  const one = (line: string): AllowedSigner => {
    const entries = parseAllowedSigners(`${line}\n`, 'f');
    expect(entries).toHaveLength(1);
    return entries[0]!;
  };

  test('quoted principals may hold spaces; options are case-insensitive; comment kept', () => {
    const e = one(`"Alice Example <a@x>,bob@x" NAMESPACES="git,file",Valid-After="20240101Z" ${pub()}`);
    expect(e.principals).toEqual(['Alice Example <a@x>', 'bob@x']);
    expect(e.namespaces).toBe('git,file');
    expect(e.validAfter).toBe(Date.UTC(2024, 0, 1) / 1000);
    expect(e.comment).toBe('alice');
  });

  test('cert-authority is parsed and marked (such entries never match a plain key)', () => {
    const e = one(`*@example.com cert-authority,namespaces="git" ${pub()}`);
    expect(e.certAuthority).toBe(true);
    expect(e.namespaces).toBe('git');
  });

  test('comments, blank lines, indentation, CRLF', () => {
    const text = `# a comment\n\n   \n  # indented comment\r\n\talice@x ${pub()}\r\nbob@x ${other.pub}\r\n`;
    const entries = parseAllowedSigners(text, 'crlf');
    expect(entries.map((e) => [e.line, e.principals[0], e.comment])).toEqual([
      [5, 'alice@x', 'alice'],
      [6, 'bob@x', 'bob'],
    ]);
  });

  test('time formats: 8, 12, 14 digits, Z and UTC suffixes, local time otherwise', () => {
    expect(parseAbsoluteTime('20240102Z')).toBe(Date.UTC(2024, 0, 2) / 1000);
    expect(parseAbsoluteTime('202401021304z')).toBe(Date.UTC(2024, 0, 2, 13, 4) / 1000);
    expect(parseAbsoluteTime('20240102130405UTC')).toBe(Date.UTC(2024, 0, 2, 13, 4, 5) / 1000);
    expect(parseAbsoluteTime('202401021304')).toBe(local(2024, 1, 2, 13, 4));
    expect(parseAbsoluteTime('20240230Z')).toBe(Date.UTC(2024, 2, 1) / 1000); // rolls over like mktime
    expect(parseAbsoluteTime('2024 1 2 1 4Z')).toBe(Date.UTC(2024, 0, 2, 1, 4) / 1000); // strptime skips white space
    expect(parseAbsoluteTime('2024\t1\v2Z')).toBe(Date.UTC(2024, 0, 2) / 1000);
    for (const bad of [
      '2024010',
      '2024-01-02',
      '20241301',
      '20240100',
      '202401022400',
      '19691231Z',
      '',
      'Z',
      '20241 01',
      ' 2024101',
      '2024  01',
    ]) {
      expect(parseAbsoluteTime(bad)).toBeUndefined();
    }
  });

  test.each([
    ['principals only', 'alice@x', 'invalid line'],
    ['no key after options', 'alice@x namespaces="git"', 'missing key'],
    ['not a key', 'alice@x ssh-ed25519 not-base64!', 'invalid key'],
    ['unknown key type', 'alice@x ssh-foo AAAA', 'invalid key'],
    ['unknown option', `alice@x no-touch-required ${'KEY'}`, 'unknown key option'],
    [
      "authorized_keys' principals= on a cert-authority line",
      `alice@x cert-authority,principals="alice@x" ${'KEY'}`,
      'unknown key option principals= (the principals are the first field)',
    ],
    ['unquoted valid-after', 'alice@x valid-after=20240101 KEY', 'missing start quote'],
    ['bad time', 'alice@x valid-after="2024-01-01" KEY', 'invalid "valid-after" time'],
    [
      'window the wrong way round',
      'alice@x valid-after="20240102",valid-before="20240101" KEY',
      'before "valid-after"',
    ],
    ['two namespaces clauses', 'alice@x namespaces="git",namespaces="file" KEY', 'multiple "namespaces"'],
    ['open quote in options', 'alice@x namespaces="git KEY', 'invalid options'],
    ['open quote in principals', '"alice@x KEY', 'invalid line'],
    ['trailing comma', 'alice@x namespaces="git", KEY', 'unexpected end-of-options'],
  ])('malformed: %s', (_name, line, reason) => {
    const text = `# ok\nbob@x ${other.pub}\n${line.replace('KEY', key.pub)}\n`;
    let err: unknown;
    try {
      parseAllowedSigners(text, 'signers.txt');
    } catch (e) {
      err = e;
    }
    expect(err).toBeInstanceOf(AllowedSignersError);
    expect((err as Error).message).toMatch(/^signers\.txt:3: /);
    expect((err as Error).message).toContain(reason);
  });

  test('onInvalid reports malformed lines and keeps the rest, as OpenSSH does', () => {
    const errors: string[] = [];
    const entries = parseAllowedSigners(`junk\nalice@x ${key.pub}\nalso junk here\n`, 's', {
      onInvalid: (e) => errors.push(`${e.line}: ${e.detail}`),
    });
    expect(entries.map((e) => e.line)).toEqual([2]);
    expect(errors).toEqual(['1: invalid line', '3: invalid key']);
  });
});

describe('principal and namespace patterns (OpenSSH match_pattern_list)', () => {
  test.each([
    ['alice@example.com', 'alice@example.com', 1],
    ['alice@example.com', '*@example.com', 1],
    ['alice@example.com', 'bob@x,*@example.com', 1],
    ['alice@example.com', '!alice@example.com,*@example.com', -1],
    ['bob@example.com', '!alice@example.com,*@example.com', 1],
    ['alice@example.com', 'alic?@example.com', 1],
    ['alice@example.com', 'Alice@example.com', 0],
    ['alice@example.com', '*@example.co', 0],
    ['', '', 0],
    ['a,b', 'a,b', 0],
    ['ä@x', '?@x', 0], // "?" is one byte; ä is two in UTF-8
    ['ä@x', '??@x', 1],
  ] as const)('%j against %j', (s, list, want) => {
    expect(matchPatternList(s, list)).toBe(want);
  });
});

/** OpenSSH match.c match_pattern, transcribed as written (recursive), to compare with. */
function opensshMatch(s: string, p: string): boolean {
  for (let si = 0, pi = 0; ;) {
    if (pi === p.length) return si === s.length;
    if (p[pi] === '*') {
      while (p[pi] === '*') pi++;
      if (pi === p.length) return true;
      for (; si < s.length; si++) if (opensshMatch(s.slice(si), p.slice(pi))) return true;
      return false;
    }
    if (si === s.length) return false;
    if (p[pi] !== '?' && p[pi] !== s[si]) return false;
    si++;
    pi++;
  }
}

describe('principal patterns from a hostile repository', () => {
  test('agree with OpenSSH on every string and pattern of up to 4 and 5 letters over {a, b, *, ?}', () => {
    const words = (alphabet: string, max: number): string[] => {
      const out = [''];
      for (let i = 0; i < out.length; i++) if (out[i]!.length < max) for (const c of alphabet) out.push(out[i]! + c);
      return out;
    };
    // Not the empty pattern: an empty list matches nothing (match_pattern_list), tested above.
    const patterns = words('ab*?', 5).slice(1);
    let disagreements = 0;
    for (const s of words('ab', 4))
      for (const p of patterns) if ((matchPatternList(s, p) === 1) !== opensshMatch(s, p)) disagreements++;
    expect(disagreements).toBe(0);
  });

  test('many stars against a long address answer at once (a recursive matcher took hours)', () => {
    // An allowed_signers principal and a committer address are both the audited repository's.
    const address = `${'a'.repeat(200)}@example.com`;
    expect(matchPatternList(address, `${'*a'.repeat(40)}*b`)).toBe(0);
    expect(matchPatternList(address, `${'*a'.repeat(40)}*@example.com`)).toBe(1);
    expect(principalMatches(address, [`${'*?'.repeat(300)}*c`, '!*a*a*a*a*a*a*a*a*a*a*a*a*a*a*a*a*b'])).toBe(false);
  });
});

describe('which entries count, compared with ssh-keygen -Y find-principals', () => {
  // Each file is one (or two) lines around our key; ssh-keygen says which principals it finds for
  // a signature by that key at a given time, and entryAllows must find the same.
  const T = Date.UTC(2024, 5, 1, 12) / 1000;
  const lines: Array<[name: string, template: string[], expected: string[]]> = [
    ['plain', ['alice@x KEY'], ['alice@x']],
    ['quoted with space', ['"Alice X,alice@x" KEY'], ['Alice X', 'alice@x']],
    ['wildcards and negation', ['!eve@x,*@x,bob@y KEY'], ['!eve@x', '*@x', 'bob@y']],
    ['empty principal stops the list', ['a@x,,b@x KEY'], ['a@x']],
    ['window around T', ['alice@x valid-after="20240101",valid-before="20250101" KEY'], ['alice@x']],
    ['window before T', ['alice@x valid-before="20240101" KEY'], []],
    ['window after T', ['alice@x valid-after="20250101" KEY'], []],
    ['namespaces not consulted by find-principals', ['alice@x namespaces="file" KEY'], ['alice@x']],
    ['cert-authority', ['alice@x cert-authority KEY'], []],
    ['other key', ['bob@x OTHER'], []],
    ['first match wins', ['bob@x OTHER', 'first@x KEY', 'second@x KEY'], ['first@x']],
    ['expired entry skipped', ['old@x valid-before="20200101" KEY', 'new@x KEY'], ['new@x']],
    ['bad line skipped', ['alice@x valid-after=20240101 KEY', 'good@x KEY'], ['good@x']],
    ['Z times', ['alice@x valid-after="20240601115959Z",valid-before="20240601120000Z" KEY'], ['alice@x']],
    // strptime reads each of OpenSSH's fixed-width fields with leading white space (before: the line was skipped).
    [
      'times with spaces in their fields',
      ['alice@x valid-after="2024 1 1",valid-before="2025 1 1 0 0Z" KEY'],
      ['alice@x'],
    ],
    ['spaced time before T', ['alice@x valid-before="2024 6 1 1 0 0Z" KEY', 'new@x KEY'], ['new@x']],
    ['spaced time just after T', ['alice@x valid-before="2024 6 112 0 0Z" KEY', 'new@x KEY'], ['alice@x']],
    ['twin: a space after a field is no time', ['alice@x valid-after="20241 01" KEY', 'good@x KEY'], ['good@x']],
    ['tab-started fields', ['alice@x valid-after="2024\t6\t1\t1\t0\t0Z" KEY', 'new@x KEY'], ['alice@x']],
    ['key type name does not match the key', ['alice@x MISMATCH', 'good@x KEY'], ['good@x']],
  ];

  test.each(lines)('%s', (_name, template, expected) => {
    const mismatch = key.pub.replace(/^ssh-ed25519/, 'ecdsa-sha2-nistp256');
    const text = template
      .map((l) => l.replace('MISMATCH', mismatch).replace('OTHER', other.pub).replace('KEY', key.pub) + '\n')
      .join('');
    const file = join(dir, 'allowed');
    writeFileSync(file, text);
    const sigFile = join(dir, 'msg.sig');
    const armored = sshSign(key, 'message');
    writeFileSync(sigFile, armored);
    const stamp = new Date(T * 1000).toISOString().replace(/[-:T]|\.\d+Z$/g, '') + 'Z';
    const res = spawnSync(
      'ssh-keygen',
      ['-Y', 'find-principals', '-f', file, '-s', sigFile, `-Overify-time=${stamp}`],
      { encoding: 'utf8' },
    );
    // Exit 255 ending "No principal matched." after only per-line notes about our file ("<file>:1: key
    // has expired ...") is ssh-keygen's "none"; any other failure (a bad option, an unreadable file, a
    // missing ssh-keygen) is a broken comparison and must fail the test.
    const errLines = (res.stderr ?? '').trim().split('\n');
    const noneMatched =
      res.status === 255 &&
      errLines.pop() === 'No principal matched.' &&
      errLines.every((l) => l.startsWith(`${file}:`));
    if (res.status !== 0 && !noneMatched)
      throw new Error(`ssh-keygen -Y find-principals failed (${res.status ?? res.error?.message}): ${res.stderr}`);
    const theirs = res.status === 0 ? res.stdout.split('\n').filter(Boolean) : [];
    const signer = parseSshSignature(armored).publicKey;
    const entries = parseAllowedSigners(text, file, { onInvalid: () => undefined });
    const found = entries.find((e) => entryAllows(e, signer, T));
    expect(found?.principals ?? []).toEqual(theirs);
    expect(theirs).toEqual(expected); // the comparison is not vacuous: each case says what OpenSSH finds
  });
});
