// The secret formats' data file (rules/secret-formats.json): its shape, the loaded file, the published
// test keys it lists (by digest) and the dependency trees it names, and the formats' expressions
// compiled once on re2js (linear-time matching: a hostile line cannot make one backtrack).
import { createHash } from 'node:crypto';
import { readFileSync } from 'node:fs';
import { RE2JS } from 're2js';
import { exactKeyBytes, type KeyBlock } from './published-keys.js';
import type { SecretLeak } from '../../domain/content.js';

export interface SecretFormat {
  id: string;
  title: string;
  regex: string;
  keywords: string[];
  /** Minimum Shannon entropy (bits per character) of the secret. */
  entropy?: number;
  /** Known example values (regular expressions over the secret). */
  allow?: string[];
  /** Examples known by what surrounds the secret (regular expressions over the whole match: a URL
   *  password for a host reserved for documentation, RFC 2606 and 6761). */
  allowMatch?: string[];
  /** 'base62-crc32': the last six characters are the base62 CRC32 of the random part. */
  checksum?: 'base62-crc32';
  /** Reported only with a match of this other format in the same file change (AWS id + secret). */
  pairedWith?: string;
  reportAlone?: boolean;
  /** The kind a complete pair is reported as. */
  pairKind?: string;
  /** Only looked for in a file change where its `pairedWith` partner was found (its keywords are
   *  common words such as "secret": running it everywhere would cost time for nothing). */
  lazy?: boolean;
  /** The expression matches a header; the key material follows on the next lines. */
  block?: boolean;
  /** Every one of these must also occur in the line (cheap pre-check). */
  requires?: string[];
  /** Only run when this option is on (the generic high-entropy detector). */
  optIn?: 'entropy';
  /** A URL's password: the user name before it that marks an example or a public account (a regular
   *  expression over the name: `user`, `anonymous` FTP); a password equal to its user name
   *  (`guest:guest`, `postgres:postgres`) is a default, not a secret, either. */
  allowUser?: string;
}

export interface SecretFormatsFile {
  source: { project: string; url: string; version: string; licence: string };
  /** Dependency trees a package manager installs: what is found there is the package author's. */
  vendored: {
    note: string;
    /** Files in such a tree that no package brings (an `.npmrc`: npm never packs one). */
    notShipped: Array<{ regex: string; why: string }>;
    paths: Array<{ regex: string; what: string }>;
  };
  /** Private keys every copy of a public project carries (test fixtures, examples): known by the
   *  SHA-256 of their decoded key material, so re-wrapping or quoting one does not hide it, and a key
   *  anyone generates never matches. */
  publishedKeys: {
    note: string;
    keys: Array<{ sha256: string; project: string; path: string; url: string; readFrom: string }>;
  };
  formats: SecretFormat[];
}

export interface DetectorOptions {
  /** Also run the generic high-entropy detector (off by default: it is noisy). */
  entropy?: boolean;
}

const FORMATS_FILE = new URL('../../../rules/secret-formats.json', import.meta.url);

let shipped: SecretFormatsFile | undefined;
export function shippedFormats(): SecretFormatsFile {
  shipped ??= JSON.parse(readFileSync(FORMATS_FILE, 'utf8')) as SecretFormatsFile;
  return shipped;
}

let published: Map<string, string> | undefined;
/** The project and file of a published test key the block is, by the SHA-256 (hex) of its key bytes:
 *  only a block holding that key and nothing else (published-keys.ts). */
export function publishedKey(block: KeyBlock): string | undefined {
  const der = exactKeyBytes(block);
  if (!der) return undefined;
  published ??= new Map(shippedFormats().publishedKeys.keys.map((k) => [k.sha256, `${k.project} ${k.path}`]));
  return published.get(createHash('sha256').update(der).digest('hex'));
}

/** Marks each leak that lies in an installed dependency tree with its kind (`npm package
 *  (node_modules/)`), as rules/secret-formats.json's `vendored` paths name them; never a token whose
 *  checksum is valid (live, whoever published it) nor a file no package brings (`notShipped`). */
export function markVendored(leaks: SecretLeak[]): void {
  const { paths, notShipped } = shippedFormats().vendored;
  const checksummed = new Set(
    shippedFormats()
      .formats.filter((f) => f.checksum)
      .map((f) => f.id),
  );
  for (const leak of leaks) {
    if (checksummed.has(leak.kind) || notShipped.some((n) => re2(n.regex).matcher(leak.path).find())) continue;
    const what = paths.find((v) => re2(v.regex).matcher(leak.path).find())?.what;
    if (what) leak.vendored = what;
  }
}

// Expressions are compiled on first use and kept for the process: a scan meets few formats'
// keywords, and compiling all of them up front cost ~70 ms of every audit.
const compiledRes = new Map<string, RE2JS>();
export function re2(source: string): RE2JS {
  let re = compiledRes.get(source);
  if (!re) compiledRes.set(source, (re = RE2JS.compile(source)));
  return re;
}
