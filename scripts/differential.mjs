#!/usr/bin/env node
// The long run of test/collect/object-differential.test.ts: the same property (gitguard reads every
// generated commit and tag as git does, or refuses it) with a fresh random seed per round, for as
// long as asked. Usage: node scripts/differential.mjs [--minutes 10] [--cases 2000] [--openpgp N] [--trust-root N] [--scan N]
// Prints each round's counts and, at the end, the totals; exits 1 with the failing seeds on a divergence.
// Each round also runs test/collect/openpgp-sig.test.ts (the quick OpenPGP reader against openpgp.js
// and gpg) with the same seed and N generated signatures (default 40; 0 skips it), and
// test/cli/trust-root-differential.test.ts (the default trust root against git's own answer) on
// --trust-root N generated histories from that seed on (default 20; 0 skips it; `npm test` runs 5), and
// test/collect/secrets-log-reader.test.ts (the secrets scan's deferred reader against reading each
// chunk in turn) on --scan N random histories (default 6; 0 skips it; `npm test` runs 3), and
// test/collect/path-tap.test.ts (the walk's watched-path changes from the scan's log --raw against
// diff-tree's and git ls-tree's, and the scan's findings with the tap against without, refactors past
// git's rename limit included) on --tap N random histories (default 4; 0 skips it; `npm test` runs 3), and
// test/cli/redteam39-self-signatures.test.ts (keys of generated self-signatures: git's letter and
// gpg's user-ID validity against gitguard's) on --self-sigs N keys (default 40; 0 skips it; `npm test` runs 24),
// as test/cli/cleanpass27-uid-revocations.test.ts (keys of generated user IDs, certifications and
// revocations: git's letter and %GS against gitguard's) does (`npm test` runs 16), and
// test/cli/redteam51-signature-placement.test.ts (a real key's self-signatures moved under other parts
// of it and its subkeys listed twice: git's letters, %GS and gpg's live user IDs against gitguard's)
// on --placement N keys (default 24; 0 skips it; `npm test` runs 8), and
// test/cli/keys74-key-variations.test.ts (key files of generated parts: armor, digests, key flags,
// back-signatures, revocations, expiry, a subkey two keys claim; git's letters and %GS against
// gitguard's on commits by the subkey, the primary and hand-made digests) on --key-variations N keys
// (default 40; 0 skips it; `npm test` runs 6), and
// test/cli/sig116-key-packets.test.ts (real gpg keys whose key and subkey packets' MPI lengths, OIDs,
// versions and algorithms are changed, alone or beside other keys: git's letters against gitguard's)
// on --key-packets N files (default 40; 0 skips it; `npm test` runs 4).
import { spawnSync } from 'node:child_process';
import { randomInt } from 'node:crypto';
import { dirname, join } from 'node:path';
import { fileURLToPath } from 'node:url';

const root = join(dirname(fileURLToPath(import.meta.url)), '..');
const arg = (name, fallback) => {
  const i = process.argv.indexOf(`--${name}`);
  return i === -1 ? fallback : Number(process.argv[i + 1]);
};
const minutes = arg('minutes', 10);
const perRound = arg('cases', 2000);
const openpgpCases = arg('openpgp', 40);
const trustRootHistories = arg('trust-root', 20);
const scanHistories = arg('scan', 6);
const tapHistories = arg('tap', 4);
const selfSigKeys = arg('self-sigs', 40);
const placementKeys = arg('placement', 24);
const keyVariations = arg('key-variations', 40);
const keyPacketFiles = arg('key-packets', 40);
const deadline = Date.now() + minutes * 60_000;
const totals = { rounds: 0, cases: 0, refused: 0, divergences: 0, honestRefused: 0 };
const failing = [];

while (Date.now() < deadline) {
  const seed = randomInt(2 ** 31);
  const r = spawnSync(
    process.execPath,
    [
      '--experimental-vm-modules',
      '--no-warnings=ExperimentalWarning',
      'node_modules/jest/bin/jest.js',
      '--ci',
      'test/collect/object-differential.test.ts',
    ],
    {
      cwd: root,
      env: {
        ...process.env,
        GITGUARD_DIFF_SEED: String(seed),
        GITGUARD_DIFF_CASES: String(perRound),
        GITGUARD_DIFF_REPORT: '1',
      },
      encoding: 'utf8',
      maxBuffer: 1 << 28,
    },
  );
  const line = /DIFFERENTIAL (\{.*\})/.exec(r.stdout + r.stderr);
  if (!line) {
    console.error(`seed ${seed}: no result from jest (exit ${r.status})\n${(r.stderr || r.stdout).slice(0, 4000)}`);
    failing.push(seed);
    continue;
  }
  // The other differential tests, each run on `count` cases from this round's seed (0 skips it).
  for (const [count, file, what, env] of [
    [
      openpgpCases,
      'test/collect/openpgp-sig.test.ts',
      'OpenPGP signatures',
      { GITGUARD_SIG_DIFF_SEED: seed, GITGUARD_SIG_DIFF_CASES: openpgpCases },
    ],
    [
      trustRootHistories,
      'test/cli/trust-root-differential.test.ts',
      'trust-root histories',
      { GITGUARD_TRUST_ROOT_SEED: seed, GITGUARD_TRUST_ROOT_HISTORIES: trustRootHistories },
    ],
    [
      scanHistories,
      'test/collect/secrets-log-reader.test.ts',
      'secrets-scan histories',
      { GITGUARD_SCAN_SEED: seed, GITGUARD_SCAN_HISTORIES: scanHistories },
    ],
    [
      tapHistories,
      'test/collect/path-tap.test.ts',
      'watched-path histories',
      { GITGUARD_TAP_SEED: seed, GITGUARD_TAP_HISTORIES: tapHistories },
    ],
    [
      selfSigKeys,
      'test/cli/redteam39-self-signatures.test.ts',
      'self-signature keys',
      { GITGUARD_SELFSIG_SEED: seed, GITGUARD_SELFSIG_CASES: selfSigKeys },
    ],
    [
      selfSigKeys,
      'test/cli/cleanpass27-uid-revocations.test.ts',
      'user-ID keys',
      { GITGUARD_UID_SEED: seed, GITGUARD_UID_CASES: selfSigKeys },
    ],
    [
      placementKeys,
      'test/cli/redteam51-signature-placement.test.ts',
      'rearranged keys',
      { GITGUARD_PLACEMENT_SEED: seed, GITGUARD_PLACEMENT_CASES: placementKeys },
    ],
    [
      keyVariations,
      'test/cli/keys74-key-variations.test.ts',
      'varied key files',
      { GITGUARD_KEYVAR_SEED: seed, GITGUARD_KEYVAR_CASES: keyVariations },
    ],
    [
      keyPacketFiles,
      'test/cli/sig116-key-packets.test.ts',
      'mutated key packets',
      { GITGUARD_KEYPKT_SEED: seed, GITGUARD_KEYPKT_CASES: keyPacketFiles },
    ],
  ]) {
    if (count <= 0) continue;
    const t = spawnSync(
      process.execPath,
      ['--experimental-vm-modules', '--no-warnings=ExperimentalWarning', 'node_modules/jest/bin/jest.js', '--ci', file],
      {
        cwd: root,
        env: { ...process.env, ...Object.fromEntries(Object.entries(env).map(([k, v]) => [k, String(v)])) },
        encoding: 'utf8',
        maxBuffer: 1 << 28,
      },
    );
    console.log(`seed ${seed}: ${count} ${what}, ${t.status === 0 ? 'no divergence' : 'DIVERGENCE'}`);
    if (t.status !== 0) {
      failing.push(seed);
      console.error((t.stderr || t.stdout || '').slice(0, 8000));
    }
  }
  const o = JSON.parse(line[1]);
  totals.rounds += 1;
  for (const k of ['cases', 'refused', 'divergences', 'honestRefused']) totals[k] += o[k];
  console.log(
    `seed ${seed}: ${o.cases} cases, ${o.refused} refused, ${o.divergences} divergences, ${o.honestRefused} well-formed refused`,
  );
  if (r.status !== 0) {
    failing.push(seed);
    console.error((r.stderr || '').slice(0, 8000));
  }
}
console.log(
  `total: ${totals.rounds} rounds, ${totals.cases} cases, ${totals.refused} refused, ${totals.divergences} divergences, ${totals.honestRefused} well-formed refused`,
);
if (failing.length) {
  console.log(
    `failing seeds (rerun with GITGUARD_DIFF_SEED=<seed> GITGUARD_DIFF_CASES=${perRound}, GITGUARD_SIG_DIFF_SEED=<seed> for openpgp-sig.test.ts, GITGUARD_TRUST_ROOT_SEED=<seed> GITGUARD_TRUST_ROOT_HISTORIES=${trustRootHistories} for trust-root-differential.test.ts, GITGUARD_SCAN_SEED=<seed> GITGUARD_SCAN_HISTORIES=${scanHistories} for secrets-log-reader.test.ts, GITGUARD_TAP_SEED=<seed> GITGUARD_TAP_HISTORIES=${tapHistories} for path-tap.test.ts, GITGUARD_SELFSIG_SEED=<seed> GITGUARD_SELFSIG_CASES=${selfSigKeys} for redteam39-self-signatures.test.ts, GITGUARD_UID_SEED=<seed> GITGUARD_UID_CASES=${selfSigKeys} for cleanpass27-uid-revocations.test.ts, GITGUARD_PLACEMENT_SEED=<seed> GITGUARD_PLACEMENT_CASES=${placementKeys} for redteam51-signature-placement.test.ts, or GITGUARD_KEYVAR_SEED=<seed> GITGUARD_KEYVAR_CASES=${keyVariations} for keys74-key-variations.test.ts): ${failing.join(' ')}`,
  );
  process.exit(1);
}
