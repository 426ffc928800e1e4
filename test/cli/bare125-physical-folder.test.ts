// bare125: a gitguard step audits the repository git opens from the folder on disk, and the change
// chooses what is on disk there. A committed bare repository (`tools/` holding HEAD, objects/,
// refs/) is opened from `tools` and every folder under it (`cd tools`, `-C tools`,
// `working-directory: tools`); a committed symbolic link `link` -> ci/fake.git/refs makes `..`
// from it, as git and the kernel resolve it, ci/fake.git (`cd link && gitguard audit -C ..`, `cd
// -P`, `env -C link/..`, a `working-directory: link` whose shell starts at the link's target). The
// twins climb back out of real folders of the checkout (`cd src && gitguard audit -C ..`), or cd
// back as bash's logical `cd ..` does: they keep the gate.
import { execFileSync } from 'node:child_process';
import { symlinkSync } from 'node:fs';
import { join } from 'node:path';
import { cleanupTemp } from '../helpers/repo.js';
import { aliceSigns } from '../helpers/team.js';
import { commitAsPerson } from '../helpers/ssh.js';
import { runMain } from '../helpers/cli.js';

afterAll(cleanupTemp);

const WF = '.github/workflows/ci.yml';
const GH = (run: string, extra = ''): string =>
  `on: push\njobs:\n  a:\n    runs-on: ubuntu-latest\n    steps:\n      - uses: actions/checkout@v4\n      - run: ${JSON.stringify(run)}\n${extra}`;
const WD = (folder: string): string => `        working-directory: ${folder}\n`;
/** A bare repository as plain files: git opens the folder as one (checked below). */
const bare = (at: string): Record<string, string> => ({
  [`${at}/HEAD`]: 'ref: refs/heads/main\n',
  [`${at}/config`]: '[core]\n\trepositoryformatversion = 0\n\tbare = true\n',
  [`${at}/objects/info/packs`]: '\n',
  [`${at}/refs/heads/.keep`]: '',
});

// One repository: Alice signs the kept gate with the bare repositories, the link and src/; each case
// is her commit of one workflow on it, judged by ci-gate-kept alone (no policy: every loss counts).
const { r, alice, keys } = aliceSigns();
r.write({ [WF]: GH('npx gitguard audit'), 'src/a.js': '1\n', ...bare('tools'), ...bare('ci/fake.git') });
symlinkSync('ci/fake.git/refs', join(r.dir, 'link'));
commitAsPerson(r, alice, 'alice@example.com', 'ci', {});
const base = r.head();

async function gate(after: string): Promise<string> {
  r.run(['reset', '-q', '--hard', base]);
  commitAsPerson(r, alice, 'alice@example.com', 'ci: tidy', { [WF]: after });
  const res = await runMain(['audit', '-C', r.dir, '-r', 'ci-gate-kept', '--no-ledger', '--allowed-signers', keys], {
    env: r.env,
  });
  return res.code === 0 && /pass\s+ci-gate-kept/.test(res.stdout) ? 'kept' : res.code === 1 ? 'lost' : res.stdout;
}

test('git opens the committed bare repositories, and `..` from the link is ci/fake.git', () => {
  const git = (...a: string[]): string => execFileSync('git', a, { env: r.env }).toString().trim();
  expect(git('-C', r.dir, 'ls-files', '-s', 'link', 'tools/HEAD')).toMatch(
    /^120000 \S+ 0\tlink\n100644 \S+ 0\ttools\/HEAD$/,
  );
  expect(git('-C', join(r.dir, 'tools'), 'rev-parse', '--is-bare-repository')).toBe('true');
  expect(git('-C', join(r.dir, 'tools', 'refs'), 'rev-parse', '--is-bare-repository')).toBe('true');
  expect(git('-C', `${r.dir}/link/..`, 'rev-parse', '--is-bare-repository')).toBe('true');
});

test.each([
  ['cd into the bare repository', GH('cd tools && npx gitguard audit')],
  ['a folder under it', GH('cd tools/refs && npx gitguard audit')],
  ['-C names it', GH('npx gitguard audit -C tools')],
  ["the step's working-directory", GH('npx gitguard audit', WD('tools'))],
  ['-C .. from the link', GH('cd link && npx gitguard audit -C ..')],
  ['-C link/..', GH('npx gitguard audit -C link/..')],
  ['env -C link/..', GH('env -C link/.. npx gitguard audit')],
  ['cd -P into the link, then cd ..', GH('cd -P link && cd .. && npx gitguard audit')],
  ['working-directory: the link, then cd ..', GH('cd .. && npx gitguard audit', WD('link'))],
])('%s: ci-gate-kept fails', async (_name, after) => {
  expect(await gate(after)).toBe('lost');
});

test.each([
  ['-C .. from src', GH('cd src && npx gitguard audit -C ..')],
  ['-C src/..', GH('npx gitguard audit -C src/..')],
  ['working-directory: src, -C ..', GH('npx gitguard audit -C ..', WD('src'))],
  ['cd into the link and back (logical cd ..)', GH('cd link && cd .. && npx gitguard audit')],
  ['a folder the step makes, and back', GH('mkdir -p build && cd build && cd .. && npx gitguard audit')],
])('twin: %s keeps the gate', async (_name, after) => {
  expect(await gate(after)).toBe('kept');
});
