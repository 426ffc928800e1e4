// Red team 52: git reads every `<name>.idx` in objects/pack that has its `<name>.pack` (packfile.c
// prepare_pack/add_packed_git: no `pack-<hex>` name is required) and orders the repository's own
// packs newest first. gitguard's shadow linked only `pack-<hex>.*` into its own pack folder, so a pack
// of the repository under another name was borrowed there (its own packs first): a newer
// `extra.pack` holding a token's bytes under the id of a harmless committed file gave git log -p, git
// show and git cat-file the token, while gitguard's scan read the old pack's harmless text and passed.
// Twins: the same forged pack under git's own kind of name (`pack-<hex>`), and an honest extra pack
// under an odd name (the scan reads what git reads, and passes).
import { execFileSync } from 'node:child_process';
import { chmodSync, readdirSync, renameSync, utimesSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { deflateSync } from 'node:zlib';
import { cleanupTemp, makeRepo, tempDir, type TestRepo } from '../helpers/repo.js';
import { parseJson, resultOf, runMain } from '../helpers/cli.js';
import { TokenFactory } from '../helpers/secrets.js';

afterAll(cleanupTemp);

const token = new TokenFactory(5252).checksummed(`gh${'p'}_`);
const HARMLESS = 'nothing secret here, honestly\n';
const TOKEN_TEXT = `token = "${token}"\n`;

function repoWithHarmlessFile(): { r: TestRepo; blob: string } {
  const r = makeRepo();
  r.commit('one', { 'README.md': '# demo\n' });
  r.commit('two', { 'cfg.txt': HARMLESS, 'notes.txt': 'notes\n' });
  r.run(['repack', '-adq']);
  return { r, blob: r.run(['rev-parse', 'HEAD:cfg.txt']) };
}

/**
 * A pack of every object of HEAD written into `r`'s own pack folder as `<name>.pack`/`.idx` (`name`
 * undefined: git's own `pack-<hex>` name), `forged` (when given) holding the token's text under its id
 * (a loose file rewritten in a scratch store, then packed by git, which does not re-hash).
 */
function extraPack(r: TestRepo, name: string | undefined, forged?: string): void {
  const dir = join(tempDir(), 'scratch.git');
  const git = (args: string[], input?: string | Buffer): string =>
    execFileSync('git', [`--git-dir=${dir}`, ...args], { env: r.env, input })
      .toString()
      .trim();
  git(['init', '-q', '--bare']);
  const list = r.run(['rev-list', '--objects', 'HEAD']);
  git(
    ['unpack-objects', '-q'],
    execFileSync('git', ['-C', r.dir, 'pack-objects', '--stdout', '-q'], { env: r.env, input: list }),
  );
  if (forged) {
    const file = join(dir, 'objects', forged.slice(0, 2), forged.slice(2));
    chmodSync(file, 0o644);
    writeFileSync(
      file,
      deflateSync(Buffer.concat([Buffer.from(`blob ${TOKEN_TEXT.length}\0`), Buffer.from(TOKEN_TEXT)])),
    );
  }
  const hash = git(['pack-objects', '-q', join(dir, 'objects', 'pack', 'pack')], list);
  const own = join(r.dir, '.git', 'objects', 'pack');
  const old = new Date('2020-01-01T00:00:00Z');
  for (const f of readdirSync(own)) utimesSync(join(own, f), old, old);
  const newer = new Date('2030-01-01T00:00:00Z');
  for (const ext of ['pack', 'idx']) {
    const to = join(own, `${name ?? `pack-${hash}`}.${ext}`);
    renameSync(join(dir, 'objects', 'pack', `pack-${hash}.${ext}`), to);
    utimesSync(to, newer, newer);
  }
}

async function scan(r: TestRepo): Promise<{ outcome: string; findings: string }> {
  const res = await runMain(
    ['audit', '-C', r.dir, '-r', 'secrets-not-in-history', '--format', 'json', '--no-ledger', '--no-cache'],
    { env: r.env },
  );
  const result = resultOf(parseJson(res), 'secrets-not-in-history');
  return { outcome: result.outcome, findings: JSON.stringify(result.findings ?? []) };
}

describe.each([
  ['extra', 'a name of its own'],
  ['pack-forged', "git's prefix, no id"],
  [undefined, "git's own pack-<hex> name (twin)"],
])('a newer pack %s (%s) holds the token under the harmless file id', (name) => {
  test("git reads the token from it, and so does gitguard's scan (before: pass under an odd name)", async () => {
    const { r, blob } = repoWithHarmlessFile();
    extraPack(r, name, blob);
    // git's answers in the repository: the newest own pack's bytes.
    expect(r.run(['show', 'HEAD:cfg.txt'])).toContain(token);
    expect(r.run(['log', '-p'])).toContain(token);
    expect(r.run(['cat-file', 'blob', blob])).toContain(token);
    const o = await scan(r);
    expect(o.outcome).toBe('fail');
    expect(o.findings).toContain('cfg.txt');
  });
});

test('twin: an honest extra pack under a name of its own: git and the scan read the harmless text, which passes', async () => {
  const { r } = repoWithHarmlessFile();
  extraPack(r, 'extra');
  expect(r.run(['show', 'HEAD:cfg.txt'])).toBe(HARMLESS.trim());
  expect(r.run(['fsck', '--strict'])).toBe('');
  expect((await scan(r)).outcome).toBe('pass');
});
