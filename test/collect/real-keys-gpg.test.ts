// Real projects' published OpenPGP keys (test/fixtures/openpgp: Bitcoin Core's builders, GitHub's
// web-flow, git's test keyring) read by gitguard as gpg 2.2 reads them, at a fixed clock: each key's
// addresses of its live user IDs, its expiry and revocation, each subkey's expiry and revocation, and
// the user ID gpg names as the signer (git's %GS: --edit-key's primary "p"). A key expired at the clock
// is read a minute before its expiry (gpg then marks every user ID expired).
import { execFileSync } from 'node:child_process';
import { mkdtempSync, readFileSync, readdirSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { loadKeyring } from '../../src/collect/signatures/openpgp.js';
import { Entry, keyMemos, userIdAddress } from '../../src/collect/signatures/openpgp-key-facts.js';
import { fpr } from '../../src/collect/signatures/openpgp-packets.js';
import { cleanupTemp } from '../helpers/repo.js';

afterAll(cleanupTemp);

const FIXTURES = join(import.meta.dirname, '..', 'fixtures', 'openpgp');
const CLOCK = 1796515200; // 2026-12-06, after every self-signature in the fixtures
const files = [
  ...readdirSync(join(FIXTURES, 'bitcoin-core-builder-keys')).map((f) =>
    join(FIXTURES, 'bitcoin-core-builder-keys', f),
  ),
  ...['web-flow.gpg', 'web-flow-4AEE18F83AFDEB23.asc', 'keyring.gpg'].map((f) => join(FIXTURES, f)),
];

const unescape = (s: string): string =>
  s.replace(/\\x([0-9a-f]{2})/g, (_, h: string) => String.fromCharCode(parseInt(h, 16)));

interface Reading {
  addresses: string;
  expires: string;
  revoked: boolean;
  subkeys: string[];
  signer: string | undefined;
}

/** gpg's reading of the keys in `file` at `at`, by primary fingerprint. */
function gpgReading(file: string, at: number): Map<string, Reading> {
  const home = mkdtempSync(join(tmpdir(), 'gg-'));
  const gpg = (args: string[], input?: string): string =>
    execFileSync('gpg', ['--homedir', home, '--no-tty', '--faked-system-time', `${at}!`, '--with-colons', ...args], {
      input,
      stdio: ['pipe', 'pipe', 'pipe'],
    }).toString();
  const out = new Map<string, Reading>();
  let cur: Reading | undefined;
  let last = '';
  for (const f of gpg(['--batch', '--import-options', 'show-only', '--import', file])
    .split('\n')
    .map((l) => l.split(':'))) {
    if (f[0] === 'pub' || f[0] === 'sec') {
      cur = { addresses: '', expires: f[6] ?? '', revoked: f[1] === 'r', subkeys: [], signer: undefined };
      last = 'pub';
    } else if (f[0] === 'sub' || f[0] === 'ssb') {
      cur!.subkeys.push(`${f[1] === 'r' ? 'r' : '-'}:${f[6] ?? ''}`);
      last = 'sub';
    } else if (f[0] === 'fpr') {
      if (last === 'pub') out.set(f[9]!, cur!);
      if (last === 'sub') cur!.subkeys[cur!.subkeys.length - 1] = `${f[9]}:${cur!.subkeys.at(-1)}`;
      last = '';
    } else if (f[0] === 'uid' && !/[re]/.test(f[1]!)) {
      const a = userIdAddress(unescape(f[9]!));
      if (a) cur!.addresses = [...new Set([...cur!.addresses.split(',').filter(Boolean), a])].sort().join(',');
    }
  }
  gpg(['--batch', '--import', file]);
  for (const [key, reading] of out) {
    const listing = gpg(['--command-fd', '0', '--edit-key', key], 'quit\n');
    const primary = listing.split('\n').find((l) => l.startsWith('uid:') && /,p\b/.test(l.split(':')[13] ?? ''));
    reading.signer = primary ? unescape(primary.split(':')[9]!) : undefined;
  }
  return out;
}

/** gitguard's reading of the keys in `file` at `at`. */
async function ours(file: string, at: number): Promise<Map<string, Reading>> {
  keyMemos.clear(); // each file's own merge of a key (two files hold 9303B33A305224CB)
  const ring = await loadKeyring([{ file, data: readFileSync(file) }], { now: () => new Date(at * 1000) });
  const out = new Map<string, Reading>();
  for (const k of ring.keys()) {
    const memo = [...keyMemos.values()].find((m) => fpr(m.key.keyPacket) === k.fingerprint)!;
    const e = new Entry(memo, [file]);
    const pf = await e.facts(at);
    const subkeys: string[] = [];
    for (const s of memo.key.subkeys) {
      const sf = await e.subkeyFacts(s);
      subkeys.push(`${fpr(s.keyPacket)}:${sf.revocation ? 'r' : '-'}:${sf.expiresAt ?? ''}`);
    }
    out.set(k.fingerprint, {
      addresses: pf.identities.join(','),
      expires: String(pf.expiresAt ?? ''),
      revoked: (await e.revocation()) !== undefined,
      subkeys,
      signer: pf.signerUserId?.startsWith('[uncertain] ') ? undefined : pf.signerUserId,
    });
  }
  return out;
}

test(`each real key reads as gpg 2.2 reads it (${files.length} files)`, async () => {
  let keys = 0;
  for (const file of files) {
    const expired = [...gpgReading(file, CLOCK).values()].map((r) => Number(r.expires)).filter((x) => x && x <= CLOCK);
    const at = expired.length ? Math.min(...expired) - 60 : CLOCK;
    const theirs = gpgReading(file, at);
    const mine = await ours(file, at);
    expect({ file, keys: [...mine.entries()] }).toEqual({ file, keys: [...theirs.entries()] });
    keys += mine.size;
  }
  expect(keys).toBeGreaterThanOrEqual(43);
}, 300_000);
