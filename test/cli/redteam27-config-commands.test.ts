// Red team 27: git's own config keys that run a command and that no-code-execution-in-local-config
// did not know, each passing it from the repository's .git/config. Checked against git 2.39:
// - submodule.<name>.update=!command: `git submodule update` ran it (git refuses it from .gitmodules only);
// - remote.<name>.vcs=a/../evil, beside a folder git-remote-a in the work tree: `git fetch origin` ran
//   ./evil (a helper name with a "/" is a path, not a git-remote-* on PATH);
// - interactive.diffFilter: `git add -p` on a terminal ran it;
// - mergetool/difftool/man/browser.<tool>.cmd and .path, guitool.<name>.cmd, and git send-email's
//   sendemail.{to,cc,sendmail}cmd and a sendemail.smtpServer path (git-config(1)).
// Clean twin: the same keys naming no program of the repository's choosing pass.
import { readFileSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { cleanupTemp, makeRepo } from '../helpers/repo.js';
import { parseJson, resultOf, runMain } from '../helpers/cli.js';

afterAll(() => cleanupTemp());

const RULE = 'no-code-execution-in-local-config';
const r = makeRepo();
r.commit('first', { 'README.md': 'x\n' });
const file = join(r.dir, '.git', 'config');
const original = readFileSync(file);

async function outcome(settings: Record<string, string>) {
  writeFileSync(file, original);
  r.config(settings);
  const res = await runMain(['audit', '-C', r.dir, '--format', 'json', '--no-ledger', '-r', RULE], { env: r.env });
  const result = resultOf(parseJson(res), RULE);
  return { outcome: result.outcome, messages: result.findings.map((f) => f.message) };
}

test.each([
  ['submodule.sub.update', '!touch /tmp/pwned'],
  ['remote.origin.vcs', 'a/../evil'],
  ['remote.origin.vcs', 'a\\..\\evil'],
  ['interactive.diffFilter', 'sh -c "id; cat"'],
  ['mergetool.mine.cmd', './tools/merge "$LOCAL" "$REMOTE"'],
  ['mergetool.meld.path', './tools/meld'],
  ['difftool.mine.cmd', 'sh -c id'],
  ['man.mine.cmd', 'sh -c id'],
  ['browser.mine.path', '/tmp/evil'],
  ['guitool.build.cmd', 'make'],
  ['sendemail.toCmd', './get-maintainer'],
  ['sendemail.work.ccCmd', './get-maintainer'],
  ['sendemail.sendmailCmd', '/tmp/evil'],
  ['sendemail.smtpServer', '/tmp/evil'],
])('%s=%s fails', async (key, value) => {
  const got = await outcome({ [key]: value });
  expect(got.outcome).toBe('fail');
  expect(got.messages).toEqual([expect.stringContaining(`${key.toLowerCase()}=`)]);
});

test('clean twin: the same keys naming no program of the repository pass', async () => {
  expect(
    await outcome({
      'submodule.sub.update': 'rebase',
      'submodule.sub.url': 'https://example.com/sub.git',
      'remote.hg.vcs': 'hg',
      'merge.tool': 'meld',
      'mergetool.meld.trustExitCode': 'true',
      'sendemail.smtpServer': 'smtp.example.com',
      'sendemail.smtpServerPort': '587',
    }),
  ).toEqual({ outcome: 'pass', messages: [] });
});
