// Keys of gits after 2.39 that run a command. git 2.42's gc.recentObjectsHook: gc runs it through the
// shell. git 2.54's configured hooks (git-hook(1)): `hook.<name>.command` runs through the shell on the
// events `hook.<name>.event` names, and git 2.55's `hook.<event>.enabled=false` switches that event's
// hooks off (git-config(1): "no hooks fire for that event"). Set in the repository's own config, the
// first is a command the repository chose, the second switches gitguard's pre-push hook off as
// core.hooksPath=/dev/null does. The same keys in the user's own config, or values that run or switch
// off nothing, pass.
import { configRuleRepo } from '../helpers/config-rule.js';
import { join } from 'node:path';
import { makeRepo, tempDir } from '../helpers/repo.js';
import { parseJson, resultOf, runMain } from '../helpers/cli.js';

describe('no-code-execution-in-local-config: configured hooks', () => {
  const { outcome } = configRuleRepo('no-code-execution-in-local-config');

  test("a hook's command in the repository's config fails", async () => {
    const r = await outcome({ 'hook.lint.event': 'post-checkout', 'hook.lint.command': 'touch /tmp/owned; true' });
    expect(r.outcome).toBe('fail');
    expect(r.messages.join('\n')).toContain('hook.lint.command');
  });

  test("gc.recentObjectsHook in the repository's config fails", async () => {
    const r = await outcome({ 'gc.recentObjectsHook': 'touch /tmp/owned' });
    expect(r.outcome).toBe('fail');
    expect(r.messages.join('\n')).toContain('gc.recentobjectshook');
  });

  test('the other hook settings there run nothing and pass', async () => {
    const r = await outcome({
      'hook.lint.event': 'pre-commit',
      'hook.lint.enabled': 'false',
      'hook.jobs': '2',
      'gc.auto': '0',
    });
    expect(r.outcome).toBe('pass');
  });

  test("a hook's command in the user's global config passes", async () => {
    const repo = makeRepo({ globalConfig: '[hook "lint"]\n\tevent = pre-commit\n\tcommand = true\n' });
    repo.commit('first', { 'README.md': 'x\n' });
    const res = await runMain(
      ['audit', '-C', repo.dir, '--format', 'json', '--no-ledger', '-r', 'no-code-execution-in-local-config'],
      { env: repo.env },
    );
    expect(resultOf(parseJson(res), 'no-code-execution-in-local-config').outcome).toBe('pass');
  });
});

describe('hooks-not-disabled: hook.<event>.enabled', () => {
  const { outcome } = configRuleRepo('hooks-not-disabled');

  test('hook.pre-push.enabled=false fails', async () => {
    const r = await outcome({ 'hook.pre-push.enabled': 'false' });
    expect(r.outcome).toBe('fail');
    expect(r.messages.join('\n')).toContain('hook.pre-push.enabled');
  });

  test('hook.pre-push.enabled=true, or a hook of its own name switched off, passes', async () => {
    expect((await outcome({ 'hook.pre-push.enabled': 'true' })).outcome).toBe('pass');
    expect((await outcome({ 'hook.lint.enabled': 'false' })).outcome).toBe('pass');
  });

  test("another worktree's config.worktree: switched off fails, switched on again after passes", async () => {
    const repo = makeRepo();
    repo.commit('first', { 'README.md': 'x\n' });
    const wt = join(tempDir(), 'wt');
    repo.run(['worktree', 'add', '-q', wt, '-b', 'side']);
    repo.run(['config', 'extensions.worktreeConfig', 'true']);
    repo.run(['-C', wt, 'config', '--worktree', 'hook.pre-push.enabled', 'false']);
    const judged = async (): Promise<string> => {
      const res = await runMain(
        ['audit', '-C', repo.dir, '--format', 'json', '--no-ledger', '-r', 'hooks-not-disabled'],
        {
          env: repo.env,
        },
      );
      return resultOf(parseJson(res), 'hooks-not-disabled').outcome;
    };
    expect(await judged()).toBe('fail');
    repo.run(['-C', wt, 'config', '--worktree', '--add', 'hook.pre-push.enabled', 'true']);
    expect(await judged()).toBe('pass');
  });
});
