// Red team 52: git reads every `<name>.idx` in objects/pack that has its `<name>.pack` (packfile.c
// prepare_pack/add_packed_git: no `pack-<hex>` name is required) and orders the repository's own
// packs newest first. gitguard's shadow linked only `pack-<hex>.*` into its own pack folder, so a pack
// of the repository under another name was borrowed there (its own packs first): a newer
// `extra.pack` holding a token's bytes under the id of a harmless committed file gave git log -p, git
// show and git cat-file the token, while gitguard's scan read the old pack's harmless text and passed.
// Twins: the same forged pack under git's own kind of name (`pack-<hex>`), and an honest extra pack
// under an odd name (the scan reads what git reads, and passes).
import { cleanupTemp, makeRepo, type TestRepo } from '../helpers/repo.js';
import { extraPack, refusedForCopies } from '../helpers/forged-pack.js';
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

async function scan(r: TestRepo): Promise<{ outcome: string; findings: string }> {
  const res = await runMain(
    ['audit', '-C', r.dir, '-r', 'secrets-not-in-history', '--format', 'json', '--no-ledger', '--no-cache'],
    { env: r.env },
  );
  const result = resultOf(parseJson(res), 'secrets-not-in-history');
  return { outcome: result.outcome, findings: JSON.stringify(result.findings ?? []) };
}

describe.each<[string | undefined, string]>([
  ['extra', 'a name of its own'],
  ['pack-forged', "git's prefix, no id"],
  [undefined, "git's own pack-<hex> name (twin)"],
])('a newer pack %s (%s) holds the token under the harmless file id', (name) => {
  test("git reads the token from it; gitguard's scan did too, and since red team 58 the two copies are refused (before: pass under an odd name)", async () => {
    const { r, blob } = repoWithHarmlessFile();
    extraPack(r, name, { id: blob, text: TOKEN_TEXT });
    // git's answers in the repository: the newest own pack's bytes.
    expect(r.run(['show', 'HEAD:cfg.txt'])).toContain(token);
    expect(r.run(['log', '-p'])).toContain(token);
    expect(r.run(['cat-file', 'blob', blob])).toContain(token);
    await refusedForCopies(r, blob, '-r', 'secrets-not-in-history', '--no-cache');
  });
});

test('twin: an honest extra pack under a name of its own: git and the scan read the harmless text, which passes', async () => {
  const { r } = repoWithHarmlessFile();
  extraPack(r, 'extra');
  expect(r.run(['show', 'HEAD:cfg.txt'])).toBe(HARMLESS.trim());
  expect(r.run(['fsck', '--strict'])).toBe('');
  expect((await scan(r)).outcome).toBe('pass');
});
