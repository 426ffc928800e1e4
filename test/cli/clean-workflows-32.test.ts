// Clean workflows 32: a treeless partial clone (`git clone --filter=tree:0`, what GitHub recommends
// for throwaway CI builds) holds only the trees it checked out. The walk reads what each commit
// changes at the watched paths from its tree, so an audit cannot be done there (README: it stops,
// exit 2, naming the missing object and how to make the clone a full one). It stopped instead with
// "git diff-tree failed: fatal: unable to read tree ...; check the repository with: git fsck": the
// words for a damaged repository, sending the user to fsck a healthy clone. It now says what the
// partial clone left out and the fetch that brings it, and nothing is fetched. Twin: a tree missing
// from a repository that is no partial clone is still damage (fsck).
// The client rules (`--threat client`, a gate on client-min-versions) ask the walk only whether the
// policy at HEAD was vouched for; in a treeless clone they stopped with exit 2 as well, where a shallow
// clone's run goes on (clean-workflows-23). They now run: the policy is not vouched for, so what it
// relaxes is not-available naming the fetch, and what it asks for still fails; a repository with no
// policy runs them as not-applicable (before: exit 2 from the trust root check after the run).
import { execFileSync } from 'node:child_process';
import { rmSync } from 'node:fs';
import { join } from 'node:path';
import { cleanupTemp, makeRepo, tempDir, type TestRepo } from '../helpers/repo.js';
import { parseJson, resultOf, runMain, stderrLines } from '../helpers/cli.js';
import { commitAsPerson, sharedSshKey } from '../helpers/ssh.js';
import { aliceAndBob } from '../helpers/team.js';

let origin: TestRepo;
let clone: string;
/** Objects the clone names but does not hold (what a fetch would have to bring). */
const missing = (): number =>
  origin
    .run(['-C', clone, 'rev-list', '--all', '--objects', '--missing=print'])
    .split('\n')
    .filter((l) => l.startsWith('?')).length;

beforeAll(() => {
  origin = makeRepo();
  for (const d of ['src', 'docs', 'ci']) origin.commit(`add ${d}`, { [`${d}/file.txt`]: `${d}\n` });
  origin.run(['config', 'uploadpack.allowFilter', 'true']);
  clone = join(tempDir(), 'treeless');
  origin.run(['clone', '-q', '--filter=tree:0', `file://${origin.dir}`, clone]);
});
afterAll(() => cleanupTemp());

const audit = (dir: string) =>
  runMain(['audit', '-C', dir, '--no-cache', '--no-ledger', '-r', 'commits-signed'], { env: origin.env });

test('a treeless clone: the audit stops in one line naming the partial clone and the fetch, nothing fetched (before: "git fsck")', async () => {
  const before = missing();
  expect(before).toBeGreaterThan(0);
  const res = await audit(clone);
  expect(res.code).toBe(2);
  const [line, ...rest] = stderrLines(res);
  expect(rest).toEqual([]);
  expect(line).toMatch(
    /a tree of the history \(object [0-9a-f]{12}\) is not in this repository: a partial clone \(git clone --filter\)/,
  );
  expect(line).toContain('git fetch --refetch origin');
  expect(line).not.toContain('fsck');
  expect(missing()).toBe(before);
});

test('twin: a tree missing from a repository that is no partial clone is damage: git fsck', async () => {
  const r = makeRepo();
  r.commit('one', { 'src/a.txt': 'a\n' });
  r.commit('two', { 'src/a.txt': 'b\n' });
  const tree = r.run(['rev-parse', 'HEAD~1^{tree}']); // a root tree, as a treeless clone lacks
  rmSync(join(r.dir, '.git', 'objects', tree.slice(0, 2), tree.slice(2)));
  const res = await runMain(['audit', '-C', r.dir, '--no-cache', '--no-ledger', '-r', 'commits-signed'], {
    env: r.env,
  });
  expect(res.code).toBe(2);
  expect(stderrLines(res).join('\n')).toMatch(/fsck/);
  expect(stderrLines(res).join('\n')).not.toContain('partial clone (git clone --filter) leaves');
});

describe('the client rules in a treeless clone', () => {
  const CLIENT = ['client-min-versions', 'signing-enabled-when-required'];
  const POLICY = (min: string): string =>
    `version: 1\nsigners:\n  - name: Alice\n    emails: [alice@example.com]\nmaintainers: [Alice]\nclient:\n  min_versions:\n    git: "${min}"\n`;
  /** Alice's signed project whose policy asks for git `min`, cloned treeless after two more commits. */
  const treeless = (min: string): { r: TestRepo; dir: string } => {
    const { r } = aliceAndBob({ '.gitguard/policy.yml': POLICY(min) });
    const alice = sharedSshKey('alice');
    commitAsPerson(r, alice, 'alice@example.com', 'one', { 'src/a.txt': '1\n' });
    commitAsPerson(r, alice, 'alice@example.com', 'two', { 'docs/b.txt': '2\n' });
    r.run(['config', 'uploadpack.allowFilter', 'true']);
    const dir = join(tempDir(), 'treeless');
    execFileSync('git', ['clone', '-q', '--filter=tree:0', `file://${r.dir}`, dir], { env: r.env });
    for (const k of ['commit.gpgSign', 'tag.gpgSign'])
      execFileSync('git', ['-C', dir, 'config', k, 'true'], { env: r.env });
    return { r, dir };
  };
  const run = async (env: NodeJS.ProcessEnv, dir: string, args: string[]) => {
    const res = await runMain(['audit', '-C', dir, '--no-cache', '--format', 'json', ...args], { env });
    const report = parseJson(res);
    return {
      code: res.code,
      outcomes: CLIENT.map((id) => resultOf(report, id).outcome),
      note: resultOf(report, CLIENT[0]!).note,
    };
  };

  test('a lowered minimum: not vouched for, not-available naming the fetch; the run goes on (before: exit 2)', async () => {
    const { r, dir } = treeless('1.0');
    const res = await run(r.env, dir, ['-r', CLIENT.join(',')]);
    expect(res).toMatchObject({ code: 0, outcomes: ['not-available', 'pass'] });
    expect(res.note).toContain('git fetch --refetch origin');
    // held: the full repository vouches for it
    expect((await run(r.env, r.dir, ['-r', CLIENT.join(',')])).outcomes[0]).toBe('pass');
  });

  test('twin: what the policy asks for still fails (git 99.0)', async () => {
    const { r, dir } = treeless('99.0');
    expect(await run(r.env, dir, ['-r', CLIENT.join(',')])).toMatchObject({ code: 1, outcomes: ['fail', 'pass'] });
  });

  test('no policy at all: --threat client runs, not-applicable (before: exit 2)', async () => {
    const res = await runMain(['audit', '-C', clone, '--no-cache', '--format', 'json', '--threat', 'client'], {
      env: origin.env,
    });
    expect(res.stderr).toBe('');
    expect(resultOf(parseJson(res), 'client-min-versions').outcome).toBe('not-applicable');
  });

  test('twin: a per-commit rule beside them still needs the walk: exit 2, naming the partial clone', async () => {
    const { r, dir } = treeless('1.0');
    const res = await runMain(['audit', '-C', dir, '--no-cache', '-r', [...CLIENT, 'commits-signed'].join(',')], {
      env: r.env,
    });
    expect(res.code).toBe(2);
    expect(stderrLines(res).join('\n')).toContain('partial clone (git clone --filter)');
  });
});
