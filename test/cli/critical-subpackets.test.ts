// End to end: a real gpg-signed commit whose signature gains, in its unhashed area, a critical
// subpacket gpg does not understand is B for git (gpg: BADSIG), and so for `gitguard verify`, the
// signatures-valid rule and a second, cached run; the same with a non-critical one stays G.
import { execFileSync } from 'node:child_process';
import { writeFileSync } from 'node:fs';
import { join } from 'node:path';
import * as openpgp from 'openpgp';
import { makeRepo, cleanupTemp, type TestRepo } from '../helpers/repo.js';
import { makeGpg, commitSignature, type Gpg } from '../helpers/gpg.js';
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
    r = makeRepo();
    gpg = makeGpg(r.env.GNUPGHOME!, r.env);
    r.run(['config', 'gpg.program', gpg.wrapper]);
    const ed = gpg.genKey('Ed Edwards <ed@example.com>', 'ed25519', { at: NOW - 30 * 86400 });
    gpg.trust(ed);
    r.run(
      [
        '-c',
        `user.signingkey=${ed}`,
        '-c',
        'user.email=ed@example.com',
        'commit',
        '-q',
        '--allow-empty',
        '-S',
        '-m',
        'signed',
      ],
      {
        env: {
          GG_GPG_ARGS: `--faked-system-time ${NOW - 20 * 86400}!`,
          GIT_COMMITTER_EMAIL: 'ed@example.com',
          GIT_AUTHOR_EMAIL: 'ed@example.com',
        },
      },
    );
    c.good = r.head();
    const raw = execFileSync('git', ['cat-file', 'commit', c.good], { cwd: r.dir, env: r.env }).toString();
    const armored = commitSignature(c.good, Buffer.from(raw)).signature!;
    const rewrite = async (critical: boolean): Promise<string> => {
      const sig = await withUnhashed(armored, 101, critical);
      const header = 'gpgsig ' + sig.trimEnd().split('\n').join('\n ') + '\n';
      const text = raw.replace(/^gpgsig [^\n]*\n(?: [^\n]*\n)*/m, header);
      return r.run(['hash-object', '-t', 'commit', '-w', '--stdin'], { input: text });
    };
    c.critical = await rewrite(true);
    c.plain = await rewrite(false);
    r.run(['update-ref', 'refs/heads/critical', c.critical]);
    r.run(['update-ref', 'refs/heads/plain', c.plain]);
    keyring = join(r.home, 'ed.asc');
    writeFileSync(keyring, gpg.exportPublic(ed));
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
