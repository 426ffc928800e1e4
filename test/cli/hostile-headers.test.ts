// Red-team round 4: signature headers git reads one way and a parser might read another, in SHA-1
// and SHA-256 repositories, each compared with git's own letter (%G?) for the same object: only the
// header of the repository's object format counts (gpgsig / gpgsig-sha256), the other one, a
// signature after `encoding` or unknown (continued) headers, a CR in a header, two signatures.
// gitguard may be stricter than git (E where git says N or G), never laxer: G only where git says G.
import { mkdtempSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { cleanupTemp, makeRepo, type TestRepo } from '../helpers/repo.js';
import { gitLetter, makeSshKey, sshSign, writeCommitObject, type SshTestKey } from '../helpers/ssh.js';
import { runMain } from '../helpers/cli.js';

afterAll(cleanupTemp);

let alice: SshTestKey;
let mallory: SshTestKey;
let signers: string;
beforeAll(() => {
  const dir = mkdtempSync(join(tmpdir(), 'gg-headers-'));
  alice = makeSshKey(dir, 'ed25519', 'alice');
  mallory = makeSshKey(dir, 'ed25519', 'mallory');
  signers = join(dir, 'allowed_signers');
  writeFileSync(signers, `alice@example.com ${alice.pub}\n`);
});

const header = (name: string, armored: string): string => {
  const lines = armored.replace(/\n$/, '').split('\n');
  return `${name} ${lines[0]}\n${lines
    .slice(1)
    .map((l) => ` ${l}\n`)
    .join('')}`;
};

interface Row {
  commit: string;
  letter: string;
  signer: string | null;
}

/** gitguard's verdict for every commit of base..tip, in one run. */
async function verifyRange(r: TestRepo, base: string, tip: string): Promise<Map<string, Row>> {
  const res = await runMain(
    ['verify', `${base}..${tip}`, '-C', r.dir, '--format', 'json', '--no-cache', '--allowed-signers', signers],
    { env: r.env },
  );
  return new Map((JSON.parse(res.stdout) as { commits: Row[] }).commits.map((c) => [c.commit, c]));
}

test.each(['sha1', 'sha256'] as const)(
  '%s: gitguard says G only where git says G, with the same signer',
  async (format) => {
    const r = makeRepo({ objectFormat: format });
    r.commit('base');
    const tree = r.run(['rev-parse', 'HEAD^{tree}']);
    const base = r.head();
    let parent = base;
    const who = 'Alice <alice@example.com> 1704153600 +0000';
    const own = format === 'sha1' ? 'gpgsig' : 'gpgsig-sha256';
    const other = format === 'sha1' ? 'gpgsig-sha256' : 'gpgsig';
    /** A commit whose headers are `before` + the signature headers + `after`, each signing the rest. */
    const make = (before: string, after: string, sigs: [string, SshTestKey][]): string => {
      const head = `tree ${tree}\nparent ${parent}\nauthor ${who}\ncommitter ${who}\n`;
      const payload = Buffer.from(`${head}${before}${after}\nwork\n`, 'latin1');
      const signed = sigs.map(([name, key]) => header(name, sshSign(key, payload))).join('');
      parent = writeCommitObject(r, Buffer.from(`${head}${before}${signed}${after}\nwork\n`, 'latin1'));
      return parent; // the next case is its child: one verify run reads them all
    };
    const cases = {
      own: make('', '', [[own, alice]]),
      otherOnly: make('', '', [[other, alice]]),
      ownAndOtherByMallory: make('', '', [
        [own, alice],
        [other, mallory],
      ]),
      otherByMalloryFirst: make('', '', [
        [other, mallory],
        [own, alice],
      ]),
      ownByMalloryOtherByAlice: make('', '', [
        [own, mallory],
        [other, alice],
      ]),
      twoOwn: make('', '', [
        [own, alice],
        [own, mallory],
      ]),
      afterEncoding: make('encoding ISO-8859-1\n', '', [[own, alice]]),
      afterContinuedUnknown: make('x-note one\n two\n', '', [[own, alice]]),
      beforeUnknown: make('', 'x-note one\n', [[own, alice]]),
      crInHeader: make('x-note one\r\n', '', [[own, alice]]),
    };
    const rows = await verifyRange(r, base, parent);
    expect(rows.size).toBe(Object.keys(cases).length);
    const seen: Record<string, string> = {};
    for (const [name, oid] of Object.entries(cases)) {
      const git = gitLetter(r, oid, signers);
      const gg = rows.get(oid)!;
      seen[name] = `${git}/${gg.letter}`;
      if (gg.letter === 'G') expect(git).toBe('G');
      if (git !== 'G') expect(gg.letter).not.toBe('G');
    }
    // The honest ones agree exactly; mallory's own-format signature is never alice's G.
    expect(seen.own).toBe('G/G');
    expect(seen.afterEncoding).toBe('G/G');
    expect(seen.afterContinuedUnknown).toBe('G/G');
    expect(seen.ownAndOtherByMallory).toBe('G/G');
    expect(seen.ownByMalloryOtherByAlice).toMatch(/^U\/U$/);
    expect(rows.get(cases.own)!.signer).toBe(alice.fingerprint);
  },
);
