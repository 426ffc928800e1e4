// protocols-restricted on `protocol.file.allow=always` in the repository's own config printed
// `fix: git config --global --unset protocol.allow`: another key, another scope, and following it
// left the finding. Each finding now ends with its own next step, naming the key found and its
// scope, and the rule's first step says so. Twin: git's default (file: user) passes.
import { cleanupTemp, makeRepo } from '../helpers/repo.js';
import { runMain } from '../helpers/cli.js';

afterAll(cleanupTemp);

// In this process (main(argv, io)): the report's text and exit code are all these tests read.
const audit = (dir: string, env: NodeJS.ProcessEnv) =>
  runMain(['audit', '-C', dir, '-r', 'protocols-restricted', '--no-ledger'], { env });

test.each([
  ['protocol.file.allow', 'always', 'git config --local --unset-all protocol.file.allow'],
  ['protocol.ext.allow', 'user', 'git config --local --unset-all protocol.ext.allow'],
  ['protocol.allow', 'always', 'git config --local --unset-all protocol.allow'],
])("%s=%s in the repository's config: the next step names that key and scope", async (key, value, step) => {
  const repo = makeRepo();
  repo.run(['config', '--local', key, value]);
  const r = await audit(repo.dir, repo.env);
  expect(r.code).toBe(1);
  expect(r.stdout).toContain(`next: ${step}`);
  // The printed step clears it, as git reads it: after it, the rule passes.
  repo.run(step.split(' ').slice(1));
  expect((await audit(repo.dir, repo.env)).code).toBe(0);
  // No step that names another key.
  for (const other of ['protocol.allow', 'protocol.ext.allow', 'protocol.file.allow'].filter((k) => k !== key))
    expect(r.stdout).not.toContain(`unset ${other}`);
});

test("twin: git's default, protocol.file.allow=user, passes", async () => {
  const repo = makeRepo();
  repo.run(['config', '--local', 'protocol.file.allow', 'user']);
  expect((await audit(repo.dir, repo.env)).code).toBe(0);
});
