// One commit judged with a given set of OpenPGP keys, by git (a fresh GNUPGHOME holding exactly those
// keys, one trusted) and by gitguard (`verify --keyring`): for tests that hand-build keys gpg reads.
import { execFileSync } from 'node:child_process';
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
  git(keys: Buffer, trusted: string, oid: string): { letter: string; signer: string };
  /** gitguard's row for `oid` with `keys` as its keyring. */
  ours(keys: Buffer, oid: string): Promise<VerifyRow>;
  /** Stops the gpg-agents of the homes made. */
  kill(): void;
}

export function keysDifferential(): KeysDifferential {
  const r = makeRepo();
  const gpg = makeGpg(mkdtempSync(join(tmpdir(), 'gg-')));
  r.run(['config', 'gpg.program', gpg.wrapper]);
  const homes: Gpg[] = [gpg];
  return {
    r,
    gpg,
    git(keys, trusted, oid) {
      const home = makeGpg(mkdtempSync(join(tmpdir(), 'gg-')));
      homes.push(home);
      home.run(['--import'], { input: keys });
      home.trust(trusted);
      const line = execFileSync('git', ['rev-list', '--no-walk', '--format=%G?|%GS', oid], {
        cwd: r.dir,
        env: { ...r.env, ...home.env },
      })
        .toString()
        .split('\n')[1]!;
      const [letter, signer] = line.split('|') as [string, string];
      return { letter, signer };
    },
    async ours(keys, oid) {
      const keyring = join(mkdtempSync(join(tmpdir(), 'gg-')), 'keys.gpg');
      writeFileSync(keyring, keys);
      return (await verifyRows(r.dir, r.env, keyring)).get(oid)!;
    },
    kill() {
      for (const h of homes) h.kill();
    },
  };
}
