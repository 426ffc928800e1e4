// End to end: a real gpg-signed commit whose signature gains, in its unhashed area, a critical
// subpacket gpg does not understand is B for git (gpg: BADSIG), and so for `gitguard verify`, the
// signatures-valid rule and a second, cached run; the same with a non-critical one stays G.
import * as openpgp from 'openpgp';
import { cleanupTemp, type TestRepo } from '../helpers/repo.js';
import type { Gpg } from '../helpers/gpg.js';
import { resignedCommit } from '../helpers/resigned-commit.js';
import { runMain, parseJson, resultOf } from '../helpers/cli.js';

const NOW = Math.floor(Date.now() / 1000);
afterAll(cleanupTemp);

/** The armored signature with one subpacket of `type` (critical or not) added to its unhashed area. */
async function withUnhashed(armored: string, type: number, critical: boolean): Promise<string> {
  const sig = await openpgp.readSignature({ armoredSignature: armored });
  const p = sig.packets[0] as unknown as {
    unhashedSubpackets: Array<{ type: number; critical: boolean; body: Uint8Array }>;
  };
  p.unhashedSubpackets.push({ type, critical, body: new Uint8Array([0x78]) });
  return sig.armor();
}

describe('gitguard verify on a signature with a critical subpacket in its unhashed area', () => {
  let r: TestRepo;
  let gpg: Gpg;
  let keyring: string;
  const c: Record<string, string> = {};

  beforeAll(async () => {
    const made = resignedCommit(NOW);
    ({ r, gpg, keyring } = made);
    c.good = made.good;
    // The same signature with an unknown subpacket (101) in its unhashed area, critical or not.
    c.critical = made.withSignature('critical', await withUnhashed(made.armored, 101, true));
    c.plain = made.withSignature('plain', await withUnhashed(made.armored, 101, false));
  }, 60_000);
  afterAll(() => gpg?.kill());

  const gitLetter = (oid: string): string => r.run(['rev-list', '--no-walk', '--format=%G?', oid]).split('\n')[1]!;

  test('git says B for the critical one and G for the others; gitguard verify says the same, cached or not', async () => {
    expect([c.good, c.plain, c.critical].map((x) => gitLetter(x!))).toEqual(['G', 'G', 'B']);
    for (const cache of [['--no-cache'], [], []]) {
      const res = await runMain(['verify', '-C', r.dir, '--all', '--keyring', keyring, '--format', 'json', ...cache], {
        env: r.env,
      });
      const rows = (JSON.parse(res.stdout) as { commits: Array<{ commit: string; letter: string }> }).commits;
      const letters = Object.fromEntries(rows.map((x) => [x.commit, x.letter]));
      expect(letters).toEqual({ [c.good!]: 'G', [c.plain!]: 'G', [c.critical!]: 'B' });
    }
  });

  test('signatures-valid fails on exactly that commit', async () => {
    const report = parseJson(
      await runMain(
        ['audit', r.dir, '--all', '--keyring', keyring, '--format', 'json', '--no-cache', '--threat', 'impersonation'],
        { env: r.env },
      ),
    );
    const valid = resultOf(report, 'signatures-valid');
    expect(valid.outcome).toBe('fail');
    expect(valid.findings.map((f) => f.commit)).toEqual([c.critical]);
  });
});
