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
  /**
   * Where gitguard and git disagree on `keys` over the commits `labels` names (label -> commit id),
   * one line per commit: gitguard's letter must be git's (E where git prints N), its signer git's %GS
   * when git says G; a key file gitguard refuses must be one gpg imports nothing from (git E on every commit).
   */
  disagreements(keys: Buffer, trusted: string[], labels: Record<string, string>): Promise<string[]>;
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
  const disagreements: KeysDifferential['disagreements'] = async (keys, trusted, labels) => {
    const oids = Object.values(labels);
    const git = gitMany(keys, trusted, oids);
    let ours: Map<string, VerifyRow>;
    try {
      ours = await oursAll(keys);
    } catch (e) {
      const imported = oids.filter((oid) => git.get(oid)!.letter !== 'E');
      return imported.length ? [`gitguard refused the file (${(e as Error).message.slice(0, 300)}), git read it`] : [];
    }
    return Object.entries(labels).flatMap(([label, oid]) => {
      const g = git.get(oid)!;
      const o = ours.get(oid)!;
      const same =
        (o.letter === g.letter || (g.letter === 'N' && o.letter === 'E')) &&
        (g.letter !== 'G' || (o.signerUserId === g.signer && o.status !== 'cannot-check'));
      return same
        ? []
        : [`${label}: git ${g.letter} ${g.signer} | gitguard ${o.letter} ${o.signerUserId} ${o.status} ${o.detail}`];
    });
  };
  return {
    r,
    gpg,
    disagreements,
    git: (keys, trusted, oid) => gitMany(keys, trusted, [oid]).get(oid)!,
    gitMany,
    ours: async (keys, oid) => (await oursAll(keys)).get(oid)!,
    oursAll,
    kill() {
      for (const h of homes) h.kill();
    },
  };
}
