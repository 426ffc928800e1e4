// server-trust-not-widened: two settings that let a server do more than git's defaults allow.
// sideband.allowControlCharacters (git 2.55+, also per URL): `true` (any true boolean, or no value)
// lets every control character of a server's messages reach the terminal (the CVE-2024-52005 masking
// off), `cursor` and `erase` let those sequences through; `color` (the default) and `false` pass, and
// the list is read as git reads it (`true,false` masks all). promisor.acceptFromServer (git 2.49+):
// `all` and `knownName` (any case) let a server pick promisor remotes, `knownUrl` and `none` pass;
// promisor.acceptFromServerUrl lets it add a remote. In the repository's own config each fails; in the
// user's global config the first two warn and a URL glob passes.
import { appendFileSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import serverTrust from '../../src/rules/server-trust-not-widened.js';
import { configRuleRepo } from '../helpers/config-rule.js';
import { makeRepo, tempDir, type TestRepo } from '../helpers/repo.js';
import { parseJson, resultOf, runMain } from '../helpers/cli.js';
import { entry, runTable, withConfig } from '../helpers/facts.js';

const RULE = 'server-trust-not-widened';

async function judged(r: TestRepo): Promise<string> {
  const res = await runMain(['audit', '-C', r.dir, '--format', 'json', '--no-ledger', '-r', RULE], { env: r.env });
  return resultOf(parseJson(res), RULE).outcome;
}

describe('server-trust-not-widened: judged by scope', () => {
  runTable(serverTrust, [
    { name: 'no such setting passes', facts: withConfig(), outcome: 'pass' },
    {
      name: 'local sideband true fails',
      facts: withConfig(entry('sideband.allowcontrolcharacters', 'true', 'local')),
      outcome: 'fail',
      mentions: ['every control character'],
    },
    {
      name: 'global promisor all warns',
      facts: withConfig(entry('promisor.acceptfromserver', 'all', 'global')),
      outcome: 'warn',
    },
    {
      name: 'global true with a local color after it passes',
      facts: withConfig(
        entry('sideband.allowcontrolcharacters', 'true', 'global'),
        entry('sideband.allowcontrolcharacters', 'color', 'local'),
      ),
      outcome: 'pass',
    },
  ]);
});

describe('server-trust-not-widened: real config files', () => {
  const { outcome } = configRuleRepo(RULE);

  test.each([
    ['sideband.allowControlCharacters', 'true', 'every control character'],
    ['sideband.allowControlCharacters', 'yes', 'every control character'],
    ['sideband.allowControlCharacters', 'color,cursor', 'cursor movements'],
    ['sideband.allowControlCharacters', 'erase', 'erasing sequences'],
    ['sideband.allowControlCharacters', 'false,true', 'every control character'],
    ['sideband.https://git.example.com/.allowControlCharacters', 'true', 'the server at https://git.example.com/'],
    ['promisor.acceptFromServer', 'all', 'any promisor remote'],
    ['promisor.acceptFromServer', 'KnownName', 'any URL for one of your remotes'],
    ['promisor.acceptFromServerUrl', 'https://*/*', "add that remote to the repository's config"],
  ])("the repository's %s=%s fails", async (key, value, says) => {
    const r = await outcome({ [key]: value });
    expect(r.outcome).toBe('fail');
    expect(r.messages.join('\n')).toContain(says);
  });

  test.each([
    ['sideband.allowControlCharacters', 'color'],
    ['sideband.allowControlCharacters', 'false'],
    ['sideband.allowControlCharacters', 'true,false'],
    ['promisor.acceptFromServer', 'knownUrl'],
    ['promisor.acceptFromServer', 'None'],
  ])("the repository's %s=%s passes", async (key, value) => {
    expect((await outcome({ [key]: value })).outcome).toBe('pass');
  });

  test('a key with no value is true and fails; set again to color after it, it passes', async () => {
    const r = makeRepo();
    r.commit('first', { 'README.md': 'x\n' });
    const file = join(r.dir, '.git', 'config');
    appendFileSync(file, '[sideband]\n\tallowControlCharacters\n');
    expect(await judged(r)).toBe('fail');
    appendFileSync(file, '[sideband]\n\tallowControlCharacters = color\n');
    expect(await judged(r)).toBe('pass');
  });

  test("a file the local config includes, config.worktree, and another worktree's are the repository", async () => {
    const r = makeRepo();
    r.commit('first', { 'README.md': 'x\n' });
    const extra = join(tempDir(), 'extra.cfg');
    writeFileSync(extra, '[promisor]\n\tacceptFromServer = all\n');
    r.run(['config', 'include.path', extra]);
    expect(await judged(r)).toBe('fail');
    r.run(['config', '--unset', 'include.path']);
    expect(await judged(r)).toBe('pass');
    r.run(['config', 'extensions.worktreeConfig', 'true']);
    r.run(['config', '--worktree', 'promisor.acceptFromServer', 'knownName']);
    expect(await judged(r)).toBe('fail');
    r.run(['config', '--worktree', '--unset', 'promisor.acceptFromServer']);
    expect(await judged(r)).toBe('pass');
    const wt = join(tempDir(), 'wt');
    r.run(['worktree', 'add', '-q', wt, '-b', 'side']);
    r.run(['-C', wt, 'config', '--worktree', 'sideband.allowControlCharacters', 'true']);
    expect(await judged(r)).toBe('fail');
  });

  test("the user's global config: a widened sideband or promisor all warns, a URL glob passes", async () => {
    const judge = async (globalConfig: string): Promise<string> => {
      const r = makeRepo({ globalConfig });
      r.commit('first', { 'README.md': 'x\n' });
      return judged(r);
    };
    expect(await judge('[sideband]\n\tallowControlCharacters = true\n')).toBe('warn');
    expect(await judge('[promisor]\n\tacceptFromServer = all\n')).toBe('warn');
    expect(await judge('[promisor]\n\tacceptFromServerUrl = https://cdn.example.com/org/*\n')).toBe('pass');
  });
});
