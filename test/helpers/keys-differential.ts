// One commit judged with a given set of OpenPGP keys, by git (a fresh GNUPGHOME holding exactly those
// keys, one trusted) and by gitguard (`verify --keyring`): for tests that hand-build keys gpg reads.
import { execFileSync, spawnSync } from 'node:child_process';
import { mkdtempSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { makeGpg, type Gpg } from './gpg.js';
import { verifyRows, type VerifyRow } from './cli.js';
import { makeRepo, type TestRepo } from './repo.js';

export interface KeysDifferential {
  /** A repository whose gpg.program is `gpg`'s wrapper, to sign the commit in. */
  r: TestRepo;
  /** The signer's GNUPGHOME. */
  gpg: Gpg;
  /** git's %G? and %GS for `oid` with exactly `keys` imported and `trusted` ultimately trusted. */
  git(keys: Buffer, trusted: string | string[], oid: string): { letter: string; signer: string };
  /** The same for several commits, on one import of `keys`. */
  gitMany(keys: Buffer, trusted: string | string[], oids: string[]): Map<string, { letter: string; signer: string }>;
  /** gitguard's row for `oid` with `keys` as its keyring. */
  ours(keys: Buffer, oid: string): Promise<VerifyRow>;
  /** gitguard's rows for HEAD's history with `keys` as its keyring (throws when it refuses the file). */
  oursAll(keys: Buffer): Promise<Map<string, VerifyRow>>;
  /** Stops the gpg-agents of the homes made. */
  kill(): void;
}

export function keysDifferential(): KeysDifferential {
  const r = makeRepo();
  const gpg = makeGpg(mkdtempSync(join(tmpdir(), 'gg-')));
  r.run(['config', 'gpg.program', gpg.wrapper]);
  const homes: Gpg[] = [gpg];
  const gitMany: KeysDifferential['gitMany'] = (keys, trusted, oids) => {
    const home = makeGpg(mkdtempSync(join(tmpdir(), 'gg-')));
    homes.push(home);
    // gpg may refuse the file (a wrong armor checksum): git then holds no key.
    spawnSync('gpg', ['--batch', '--import'], { input: keys, env: { ...process.env, ...home.env } });
    home.trust(...[trusted].flat());
    const lines = execFileSync('git', ['rev-list', '--no-walk=unsorted', '--format=%G?|%GS', ...oids], {
      cwd: r.dir,
      env: { ...r.env, ...home.env },
    })
      .toString()
      .split('\n');
    return new Map(
      oids.map((oid, i) => {
        const [letter, signer] = lines[2 * i + 1]!.split('|') as [string, string];
        return [oid, { letter, signer }];
      }),
    );
  };
  const oursAll: KeysDifferential['oursAll'] = (keys) => {
    const keyring = join(mkdtempSync(join(tmpdir(), 'gg-')), 'keys.gpg');
    writeFileSync(keyring, keys);
    return verifyRows(r.dir, r.env, keyring);
  };
  return {
    r,
    gpg,
    git: (keys, trusted, oid) => gitMany(keys, trusted, [oid]).get(oid)!,
    gitMany,
    ours: async (keys, oid) => (await oursAll(keys)).get(oid)!,
    oursAll,
    kill() {
      for (const h of homes) h.kill();
    },
  };
}
