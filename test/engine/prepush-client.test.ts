// The pre-push hook enforces the policy's client.min_versions like the audit does.
import { prePushCheck } from '../../src/engine/prepush.js';
import { makeRepo, cleanupTemp, type TestRepo } from '../helpers/repo.js';

afterAll(cleanupTemp);

let repo: TestRepo;
let base: string;
beforeAll(() => {
  repo = makeRepo();
  base = repo.commit('first', { 'a.txt': 'a\n' });
  repo.run(['update-ref', 'refs/remotes/origin/main', base]);
});

const check = (tip: string) =>
  prePushCheck({ path: repo.dir, remote: 'origin', url: 'https://example.invalid/r.git', input: `refs/heads/main ${tip} refs/heads/main ${base}\n`, env: repo.env, trust: { cache: false } });

describe('pre-push and client.min_versions', () => {
  test('blocks a push when the installed git is older than the policy asks', async () => {
    const tip = repo.commit('policy', { '.gitguard/policy.yml': 'version: 1\nrequire_signatures: false\nclient:\n  min_versions:\n    git: "99.0.0"\n' });
    const r = await check(tip);
    expect(r.lines.join('\n')).toMatch(/client-min-versions[\s\S]*is older than 99\.0\.0/);
    expect(r.exitCode).toBe(1);
  });

  test('says nothing about client versions when the installed git meets the minimum', async () => {
    const tip = repo.commit('policy', { '.gitguard/policy.yml': 'version: 1\nrequire_signatures: false\nclient:\n  min_versions:\n    git: "2.0.0"\n' });
    const r = await check(tip);
    // (The unsigned commit may still be refused by commits-signed; that is not this rule's business.)
    expect(r.lines.join('\n')).not.toContain('client-min-versions');
  });
});
