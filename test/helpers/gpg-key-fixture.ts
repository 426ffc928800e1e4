// Real gpg keys made once and kept under test/fixtures/gpg-keys as armored secret keys: RSA key
// generation costs gpg seconds of CPU per key, and a test that only signs with a key (it does not test
// key generation) gets the same real key, real gpg signing and real verification by importing it.
// A missing file is made on first use (delete it to remake it), so the fixtures stay reproducible.
import { existsSync, mkdirSync, readFileSync, renameSync, writeFileSync } from 'node:fs';
import { dirname, join } from 'node:path';
import { fileURLToPath } from 'node:url';
import type { Gpg, GpgAlgo } from './gpg.js';

const DIR = join(dirname(fileURLToPath(import.meta.url)), '..', 'fixtures', 'gpg-keys');

export interface FixtureKeySpec {
  /** File name (without .asc): one per distinct key. */
  name: string;
  uid: string;
  algo: GpgAlgo;
  /** Creation time (unix seconds). */
  at?: number;
  expire?: string;
  usage?: string;
}

/** Puts the named key (secret and public) into `gpg`'s keyring; returns its primary fingerprint. */
export function fixtureKey(gpg: Gpg, spec: FixtureKeySpec): string {
  const file = join(DIR, `${spec.name}.asc`);
  if (!existsSync(file)) {
    const fpr = gpg.genKey(spec.uid, spec.algo, { at: spec.at, expire: spec.expire, usage: spec.usage });
    mkdirSync(DIR, { recursive: true });
    writeFileSync(`${file}.tmp`, gpg.run(['--armor', '--export-secret-keys', fpr]));
    renameSync(`${file}.tmp`, file);
    return fpr;
  }
  const status = gpg.run(['--status-fd', '1', '--import'], { input: readFileSync(file) }).toString();
  const fpr = /^\[GNUPG:\] IMPORT_OK \d+ ([0-9A-F]{40,64})$/m.exec(status)?.[1];
  if (!fpr) throw new Error(`gpg imported no key from ${file}: ${status.slice(0, 200)}`);
  // The file must still be the key the spec describes (an edited spec must not reuse an older key).
  const lines = gpg.run(['--list-keys', '--with-colons', fpr]).toString().split('\n');
  const created = lines.find((l) => l.startsWith('pub:'))?.split(':')[5];
  const sameUid = lines.some((l) => l.startsWith('uid:') && l.split(':')[9] === spec.uid);
  if (!sameUid || (spec.at !== undefined && created !== String(spec.at)))
    throw new Error(`${file} is not ${spec.uid} made at ${spec.at}: delete it to remake it`);
  return fpr;
}
