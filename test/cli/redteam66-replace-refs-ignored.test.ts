// Red team 66: a clone set to ignore replace refs (core.useReplaceRefs=false) still fails
// replace-refs-absent: the refs travel with a mirror fetch or push and the setting does not, so a
// mirror clone shows the replacement. Before, the finding said "git log shows the replacement",
// untrue in that clone; it now says git here ignores it. And whatever the clone's setting, the audit
// judges the real commit, never the replacement (`git --no-replace-objects`).
import { execFileSync } from 'node:child_process';
import { join } from 'node:path';
import { cleanupTemp, makeRepo } from '../helpers/repo.js';
import { parseJson, resultOf, runMain } from '../helpers/cli.js';

afterAll(cleanupTemp);

async function audit(dir: string, env: NodeJS.ProcessEnv, rules: string) {
  const res = await runMain(['audit', '-C', dir, '-r', rules, '--format', 'json', '--no-ledger', '--no-cache'], {
    env,
  });
  return parseJson(res);
}

test.each([
  ['false', true],
  ['true', false],
])(
  'core.useReplaceRefs=%s: the rule fails, saying whether git here shows the replacement',
  async (setting, ignored) => {
    const r = makeRepo();
    const one = r.commit('one', { 'a.txt': 'a\n' });
    const two = r.commit('two', { 'b.txt': 'b\n' });
    r.run(['replace', one, two]);
    r.run(['config', 'core.useReplaceRefs', setting]);
    expect(r.run(['log', '-1', '--format=%s', one])).toBe(ignored ? 'one' : 'two');
    // A mirror clone takes refs/replace/* and not the setting: there git shows the replacement.
    const mirror = join(r.home, 'mirror.git');
    execFileSync('git', ['clone', '-q', '--mirror', r.dir, mirror], { env: r.env });
    expect(execFileSync('git', ['log', '-1', '--format=%s', one], { cwd: mirror, env: r.env }).toString().trim()).toBe(
      'two',
    );
    const result = resultOf(await audit(r.dir, r.env, 'replace-refs-absent'), 'replace-refs-absent');
    expect(result.outcome).toBe('fail');
    const findings = JSON.stringify(result.findings);
    expect(findings).toContain(`commit ${one} (\\"one\\") is replaced by ${two}`);
    if (ignored)
      expect(findings).toContain(
        'git here ignores it (core.useReplaceRefs=false, local), but a clone that fetches refs/replace/* shows the replacement',
      );
    else expect(findings).toContain('git log shows the replacement, not the real commit');
  },
);

test('twin: with core.useReplaceRefs=true, what gitguard reads is the real tip, never its stand-in', async () => {
  const r = makeRepo();
  r.commit('base', { 'a.txt': 'a\n' });
  const tip = r.commit('unsigned tip', { 'b.txt': 'b\n' });
  const stand = r.run(['commit-tree', `${tip}^{tree}`, '-p', `${tip}~1`, '-m', 'stand-in']);
  r.run(['replace', tip, stand]);
  r.run(['config', 'core.useReplaceRefs', 'true']);
  expect(r.run(['log', '-1', '--format=%s', 'HEAD'])).toBe('stand-in');
  const report = await audit(r.dir, r.env, 'replace-refs-absent');
  expect(JSON.stringify(resultOf(report, 'replace-refs-absent').findings)).toContain(`"commit":"${tip}"`);
  const verify = await runMain(['verify', '-C', r.dir, '--no-cache', '--format', 'json'], { env: r.env });
  expect(verify.stdout).toContain(tip);
  expect(verify.stdout).not.toContain(stand);
});
