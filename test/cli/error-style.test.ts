// One error style for every command: exactly one line on stderr, "gitguard: <what>; <next step>", no
// stack trace, exit 2, nothing on stdout, and a URL's secret never printed.
import { mkdirSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { makeRepo, cleanupTemp, tempDir, type TestRepo } from '../helpers/repo.js';
import { hasStackTrace, runCli, runMain, stderrLines, type CliResult } from '../helpers/cli.js';

afterAll(cleanupTemp);

let repo: TestRepo;
let scratch: string;
beforeAll(async () => {
  repo = makeRepo();
  repo.commit('first');
  scratch = tempDir('gitguard-errors-');
});

/** The one stderr line, after checking the style; `what` and `next` are matched against its two halves. */
function oneError(r: CliResult, what: RegExp, next: RegExp): string {
  expect({ code: r.code, stack: hasStackTrace(r), stdout: r.stdout }).toEqual({ code: 2, stack: false, stdout: '' });
  const lines = stderrLines(r);
  expect(lines).toHaveLength(1);
  const line = lines[0]!;
  expect(line).toMatch(/^gitguard: /);
  expect(line).not.toMatch(/^gitguard: error:|^error:|\bE[A-Z]{3,}\b|\n/); // no second prefix, no bare errno code
  const [message, ...rest] = line.slice('gitguard: '.length).split('; ');
  expect(message).toMatch(what);
  expect(rest.join('; ')).toMatch(next); // a next step after "; "
  return line;
}

const cli = async (args: string[]) => await runMain(args, { cwd: scratch, env: repo.env });

describe('errors: one line, "gitguard: <what>; <next step>", exit 2', () => {
  test('--git /bin/false names the git and says to pass a working one (no git command line)', async () => {
    const line = oneError(
      await cli(['audit', '-C', repo.dir, '--git', '/bin/false']),
      /^git at \/bin\/false did not run: exited 1 without output$/,
      /^pass --git PATH to a working git$/,
    );
    expect(line).not.toContain('rev-parse');
    oneError(
      await cli(['audit', '-C', repo.dir, '--git', join(scratch, 'no-such-git')]),
      /^git at .*no-such-git did not run: no such file$/,
      /--git PATH/,
    );
  });

  test('--keyring, --allowed-signers and --revoked-keys files that cannot be read say why in words', async () => {
    // A path in this test's own folder: a fixed one such as /nonexistent may exist on a shared machine
    // (it is the home of the nobody account, and a program run with that HOME can create it).
    const missing = join(scratch, 'nonexistent');
    oneError(
      await cli(['audit', '-C', repo.dir, '--keyring', missing]),
      /^cannot read keyring .*\/nonexistent: no such file$/,
      /--keyring FILE/,
    );
    oneError(
      await cli(['verify', '-C', repo.dir, '--allowed-signers', scratch]),
      /^cannot read allowed-signers file .*: it is a folder$/,
      /--allowed-signers FILE/,
    );
    oneError(
      await cli(['audit', '-C', repo.dir, '--revoked-keys', missing]),
      /^cannot read revoked-keys file .*\/nonexistent: no such file$/,
      /--revoked-keys FILE/,
    );
    const junk = join(scratch, 'junk.asc');
    writeFileSync(junk, 'not a key\n');
    oneError(await cli(['audit', '-C', repo.dir, '--keyring', junk]), /junk\.asc/, /--keyring FILE/);
  });

  test("usage errors from the command line parser use the same prefix and point at the command's help", async () => {
    oneError(
      await cli(['audit', '-C', repo.dir, '--no-such-flag']),
      /^unknown option '--no-such-flag'$/,
      /^see gitguard audit --help$/,
    );
    oneError(
      await cli(['audit', '-C', repo.dir, '--threat', 'aliens']),
      /^unknown threat "aliens"/,
      /^see gitguard audit --help$/,
    );
    // `rules` and `baseline write` filter by threat too: a misspelt one selected nothing and exited 0.
    oneError(
      await cli(['rules', '--threat', 'client,aliens']),
      /^unknown threat "aliens"/,
      /^see gitguard rules --help$/,
    );
    oneError(
      await cli(['baseline', 'write', join(scratch, 'b.json'), '-C', repo.dir, '-t', 'aliens']),
      /^unknown threat "aliens"/,
      /^see gitguard baseline write --help$/,
    );
    oneError(
      await cli(['audit', '-C', repo.dir, '--format', 'yaml']),
      /argument 'yaml' is invalid/,
      /^see gitguard audit --help$/,
    );
    oneError(
      await cli(['baseline', 'write']),
      /^missing required argument 'file'$/,
      /^see gitguard baseline write --help$/,
    );
    oneError(await cli(['frobnicate']), /^unknown command 'frobnicate'$/, /^see gitguard --help$/);
    oneError(
      await cli(['hook', 'run', 'pre-push', '--bogus']),
      /^unknown option '--bogus'$/,
      /^see gitguard hook run pre-push --help$/,
    );
  });

  test('repository, revision and file errors carry a next step', async () => {
    oneError(await cli(['audit', '-C', scratch]), /^not a git repository: /, /-C PATH/);
    oneError(await cli(['ledger', 'show', '-C', join(scratch, 'missing')]), /^no such file or directory: /, /PATH/);
    oneError(
      await cli(['audit', '-C', repo.dir, '--trust-root', 'nope']),
      /^--trust-root "nope" is not a commit in /,
      /commit id, branch or tag/,
    );
    oneError(
      await cli(['verify', '-C', repo.dir, 'nope..HEAD']),
      /is not a revision range|names no commits/,
      /e\.g\. main~20\.\.main/,
    );
    oneError(
      await cli(['audit', '-C', repo.dir, '--baseline', join(scratch, 'none.json')]),
      /^cannot read baseline .*none\.json: no such file$/,
      /gitguard baseline write FILE/,
    );
    oneError(
      await cli(['audit', '-C', repo.dir, '--rule', 'objects-intact', '-o', join(scratch, 'no', 'dir', 'r.txt')]),
      /^cannot write the text report .*: no such file$/,
      /a folder you can write to/,
    );
    oneError(
      await cli(['ledger', 'accept', 'main', '-C', repo.dir]),
      /^"main" is not a full ref name$/,
      /refs\/heads\/main/,
    );
    oneError(
      await cli(['audit', '-C', repo.dir, '--max-findings', 'lots']),
      /^--max-findings takes a whole number$/,
      /--max-findings 100/,
    );
    const damaged = makeRepo();
    mkdirSync(join(damaged.dir, '.git', 'gitguard'), { recursive: true });
    writeFileSync(join(damaged.dir, '.git', 'gitguard', 'ledger.json'), '{not json');
    oneError(
      await cli(['ledger', 'show', '-C', damaged.dir]),
      /^damaged ledger .*ledger\.json: not valid JSON/,
      /^look at the file, then fix it or move it away deliberately/,
    );
  });

  test("a URL's password or token in an error is shown as ***", async () => {
    const secret = 'hunter2tok';
    for (const args of [
      ['verify', '-C', repo.dir, `https://bob:${secret}@example.com/r.git..HEAD`],
      ['audit', '-C', repo.dir, '--trust-root', `https://bob:${secret}@example.com/x`],
      ['audit', '-C', repo.dir, '--keyring', `https://bob:${secret}@example.com/keys.asc`],
    ]) {
      const r = await cli(args);
      const line = oneError(r, /./, /./);
      expect(line).not.toContain(secret);
      expect(line).toContain('https://bob:***@example.com');
    }
  });

  test('--debug adds the stack, and only then', async () => {
    mkdirSync(join(scratch, 'empty'), { recursive: true });
    const r = runCli(['audit', '-C', join(scratch, 'empty'), '--debug'], { cwd: scratch, env: repo.env }); // the binary's own stack
    expect(r.code).toBe(2);
    expect(stderrLines(r)[0]).toMatch(/^gitguard: not a git repository: /);
    expect(hasStackTrace(r)).toBe(true);
  });

  test('--debug prints no raw control character from the repository or the command line in the stack', async () => {
    const r = await runMain(['verify', '-C', repo.dir, '--trust-root', 'x\u001b[31m\u202ey', '--debug'], {
      env: repo.env,
    });
    expect(r.code).toBe(2);
    expect(r.stderr).toContain('Error: --trust-root "x\\x1b[31m\\u{202e}y"');
    expect(r.stderr).not.toMatch(/[\u001b\u202e]/);
  });
});
