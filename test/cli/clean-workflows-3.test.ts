// Third round of clean set-ups that must pass (see clean-workflows.test.ts and -2 for the first two):
// repositories as they are on disk and as people configure them. Each case here was a false failure
// (a rule failing, or the audit stopping, where a security engineer sees nothing wrong), and each keeps
// a twin that still fails, so the fix cannot have switched the check off.
import {
  chmodSync,
  chownSync,
  copyFileSync,
  mkdirSync,
  mkdtempSync,
  readdirSync,
  readFileSync,
  renameSync,
  statSync,
  writeFileSync,
} from 'node:fs';
import { execFileSync } from 'node:child_process';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { cleanupTemp, makeRepo, tempDir, type TestRepo } from '../helpers/repo.js';
import { configureSshSigning, makeSshKey, type SshTestKey } from '../helpers/ssh.js';
import { ALICE_POLICY, sshSigningRepo } from '../helpers/signing-repo.js';
import { makeGpg, type Gpg } from '../helpers/gpg.js';
import { fixtureKey } from '../helpers/gpg-key-fixture.js';
import { BIN, ROOT, runMain, parseJson, resultOf, stderrLines } from '../helpers/cli.js';
import { tryGit } from '../helpers/signing-repo.js';
import { inProcessHooks, stopHookBridge } from '../helpers/hook-bridge.js';

let alice: SshTestKey;
beforeAll(() => {
  alice = makeSshKey(mkdtempSync(join(tmpdir(), 'gg-clean3-')), 'ed25519', 'alice');
});
afterAll(async () => {
  await stopHookBridge();
  cleanupTemp();
});

const signingRepo = (policy = ALICE_POLICY): TestRepo => sshSigningRepo(alice, policy);

const audit = async (r: TestRepo, rules: string[], dir = r.dir, extra: string[] = []) => {
  const res = await runMain(['audit', '-C', dir, '--format', 'json', '--no-cache', '-r', rules.join(','), ...extra], {
    env: r.env,
  });
  return { code: res.code, report: parseJson(res), stderr: res.stderr };
};

/** chown -R, for a repository another user owns (only root may give files away). */
const chownTree = (path: string, uid: number, gid: number): void => {
  chownSync(path, uid, gid);
  if (statSync(path).isDirectory()) for (const name of readdirSync(path)) chownTree(join(path, name), uid, gid);
};
const asRoot = process.getuid?.() === 0 ? test : test.skip;

describe("a repository owned by another user, trusted with git's own safe.directory", () => {
  // git refuses it (dubious ownership) until the user adds it to safe.directory in their global
  // config, which is what gitguard's refusal tells them to do; gitguard ran git without that config,
  // so it refused the repository for ever.
  asRoot(
    'after git config --global --add safe.directory PATH the audit runs; without it, or with it only in the repository, it is refused',
    async () => {
      const r = signingRepo();
      r.commit('work');
      const clone = join(tempDir(), 'shared clone');
      r.run(['clone', '-q', r.dir, clone]);
      chownTree(clone, 65534, 65534);
      const rules = ['commits-signed', 'signers-authorized', 'safe-directory-not-wildcard'];
      const refused = await runMain(['audit', '-C', clone, '--no-cache', '-r', rules.join(',')], { env: r.env });
      expect(refused.code).toBe(2);
      // The next step names the folder as one shell word ("shared clone" has a space): run as printed.
      const hint = `git config --global --add safe.directory '${clone}'`;
      expect(stderrLines(refused)).toEqual([
        `gitguard: git refuses ${clone}: it is owned by another user (safe.directory); if you trust it: ${hint}`,
      ]);
      // The repository's own config cannot vouch for itself (git ignores safe.directory there too).
      r.run(['config', '--file', join(clone, '.git', 'config'), 'safe.directory', '*']);
      expect((await runMain(['audit', '-C', clone, '--no-cache', '-r', rules.join(',')], { env: r.env })).code).toBe(2);

      execFileSync('/bin/sh', ['-c', hint], { env: r.env });
      expect(r.run(['config', '--global', '--get-all', 'safe.directory'])).toBe(clone);
      const { code, report } = await audit(r, rules, clone);
      expect(rules.map((id) => resultOf(report, id).outcome)).toEqual(['pass', 'pass', 'pass']);
      expect(report.scope.commits).toBe(2);
      expect(code).toBe(0);
      const verify = await runMain(['verify', '-C', clone, '--no-cache'], { env: r.env });
      expect(verify.code).toBe(0);
    },
  );
});

describe('a partial clone (git clone --filter=blob:none): nothing fetched, what cannot be read is said', () => {
  const SIGNATURES = ['commits-signed', 'signers-authorized', 'signatures-valid', 'policy-changes-authorized'];
  /** Objects the clone names but does not hold (what a fetch would have to bring). */
  const missing = (r: TestRepo, dir: string): number =>
    r
      .run(['-C', dir, 'rev-list', '--all', '--objects', '--missing=print'])
      .split('\n')
      .filter((l) => l.startsWith('?')).length;
  const partialClone = (r: TestRepo): string => {
    r.run(['config', 'uploadpack.allowFilter', 'true']);
    const dir = join(tempDir(), 'partial');
    r.run(['clone', '-q', '--filter=blob:none', `file://${r.dir}`, dir]);
    return dir;
  };

  test('the policy never changed: the history is judged; the secrets scan says it cannot read older files', async () => {
    const r = signingRepo();
    for (let i = 0; i < 3; i++) r.commit(`edit ${i}`, { 'notes.txt': `version ${i}\n` });
    const dir = partialClone(r);
    const before = missing(r, dir);
    expect(before).toBeGreaterThan(0);
    const { code, report } = await audit(r, [...SIGNATURES, 'secrets-not-in-history'], dir);
    expect(SIGNATURES.map((id) => resultOf(report, id).outcome)).toEqual(['pass', 'pass', 'pass', 'pass']);
    expect(report.scope.commits).toBe(4);
    const secrets = resultOf(report, 'secrets-not-in-history');
    expect(secrets.outcome).toBe('not-available');
    expect(secrets.note).toContain('is not in this repository (a partial clone (git clone --filter)');
    expect(secrets.note).toContain('git fetch --refetch origin');
    expect(code).toBe(0);
    expect(missing(r, dir)).toBe(before);
  });

  test('CI workflows changed in history: older versions are not there, so those changes are counted as not judged, not failed', async () => {
    const r = signingRepo();
    for (const v of [1, 2]) r.commit(`ci v${v}`, { '.github/workflows/ci.yml': `run: gitguard audit # v${v}\n` });
    r.commit('ci: drop gitguard', { '.github/workflows/ci.yml': 'run: make test\n' }, ['--no-gpg-sign']);
    const dir = partialClone(r);
    const before = missing(r, dir);
    const { code, report } = await audit(r, ['ci-gate-kept'], dir);
    const gate = resultOf(report, 'ci-gate-kept');
    expect(gate.outcome).toBe('pass');
    expect(gate.note).toBe(
      '3 CI change(s) not judged: the CI files on one side are not in this repository (a partial clone leaves older files out)',
    );
    expect(code).toBe(0);
    expect(missing(r, dir)).toBe(before);
    // Twin: where the files are there, the unsigned removal of the gate fails.
    const full = await audit(r, ['ci-gate-kept']);
    expect(resultOf(full.report, 'ci-gate-kept').findings.map((f) => f.commit)).toEqual([r.head()]);
    expect(full.code).toBe(1);
  });

  test('the policy changed: its older version is not there, so the audit stops in one line instead of moving the trust root past it', async () => {
    const r = signingRepo();
    const root = r.head();
    r.commit('work');
    r.commit('policy: severity', { '.gitguard/policy.yml': `${ALICE_POLICY}severity:\n  commits-signed: critical\n` });
    r.commit('more work');
    const dir = partialClone(r);
    const before = missing(r, dir);
    // Unreadable is not absent: the root stayed, the audit cannot be done here (it judged 2 of 4 commits from a later root).
    const stopped = await runMain(['audit', '-C', dir, '--no-cache', '-r', SIGNATURES.join(',')], { env: r.env });
    expect(stopped.code).toBe(2);
    expect(stderrLines(stopped)).toEqual([
      expect.stringMatching(
        new RegExp(
          `^gitguard: \\.gitguard/policy\\.yml at ${root.slice(0, 12)} \\(object [0-9a-f]{12}\\) is not in this repository: a partial clone .*git fetch --refetch origin$`,
        ),
      ),
    ]);
    expect(missing(r, dir)).toBe(before);
    // What the message says to do makes it a full clone, and then every commit is judged.
    r.run(['-C', dir, 'config', '--unset', 'remote.origin.partialclonefilter']);
    r.run(['-C', dir, 'fetch', '-q', '--refetch', 'origin']);
    const { code, report } = await audit(r, SIGNATURES, dir);
    expect(report.scope.commits).toBe(4);
    expect(report.scope.description).toContain(`from trust root ${root.slice(0, 12)}`);
    expect(code).toBe(0);
  });
});

describe('hook managers set up as the README says: gitguard-hook-installed sees gitguard run', () => {
  const FIXTURES = join(ROOT, 'test', 'fixtures', 'hook-managers');
  const hookRules = async (r: TestRepo) => {
    const { report } = await audit(r, ['gitguard-hook-installed', 'hooks-not-disabled']);
    return {
      installed: resultOf(report, 'gitguard-hook-installed'),
      disabled: resultOf(report, 'hooks-not-disabled').outcome,
    };
  };
  /** An executable file copied from the fixtures (or written), as the manager leaves it. */
  const put = (path: string, from: { fixture: string } | { text: string }): void => {
    mkdirSync(join(path, '..'), { recursive: true });
    if ('fixture' in from) copyFileSync(join(FIXTURES, from.fixture), path);
    else writeFileSync(path, from.text);
    chmodSync(path, 0o755);
  };
  const GITGUARD_LINE = 'gitguard hook run pre-push "$@"\n';

  describe('husky 9 (core.hooksPath=.husky/_, the hook in .husky/pre-push)', () => {
    let r: TestRepo;
    beforeAll(() => {
      r = signingRepo();
      // What `husky` writes: its stub for every hook in .husky/_, the h script, and core.hooksPath.
      put(join(r.dir, '.husky', '_', 'pre-push'), { fixture: 'husky-pre-push' });
      put(join(r.dir, '.husky', '_', 'h'), { fixture: 'husky-h' });
      writeFileSync(join(r.dir, '.husky', '_', '.gitignore'), '*');
      r.run(['config', 'core.hooksPath', '.husky/_']);
    });

    test('.husky/pre-push running gitguard passes, and the push of an unsigned commit is refused through it', async () => {
      // Another tool first, whose failure the hook ignores (its local binary, not `npx`, which may go to
      // the npm registry: a push here must not depend on the network).
      put(join(r.dir, '.husky', 'pre-push'), { text: `./node_modules/.bin/lint-staged || true\n${GITGUARD_LINE}` });
      r.commit('husky set up', { 'README.md': 'app\n' });
      const { installed, disabled } = await hookRules(r);
      expect(installed.outcome).toBe('pass');
      expect(installed.note).toContain(`${join(r.dir, '.husky', 'pre-push')} line 2`);
      expect(disabled).toBe('pass');

      // gitguard on PATH, as after npm install -g: the recipe really runs it, with git's input. The
      // passing push runs gitguard in this process (hook-bridge); the refused one the built binary.
      const bin = join(tempDir(), 'bin');
      const onPath = (node: string, script: string) =>
        put(join(bin, 'gitguard'), { text: `#!/bin/sh\nexec "${node}" "${script}" "$@"\n` });
      const { gitguard: bridge } = await inProcessHooks();
      onPath(bridge.node, bridge.bin);
      const env = { ...r.env, PATH: `${bin}:${r.env.PATH ?? ''}` };
      const remote = join(tempDir(), 'remote.git');
      r.run(['init', '-q', '--bare', remote]);
      r.run(['remote', 'add', 'origin', remote]);
      const push = () =>
        r.git
          .env(env)
          .raw(['push', 'origin', 'main'])
          .then(
            () => 0,
            (e: Error) => (e.message.includes('blocked') ? 1 : -1),
          );
      expect(await push()).toBe(0);
      onPath(process.execPath, BIN);
      r.commit('unsigned', {}, ['--no-gpg-sign']);
      expect(await push()).toBe(1);
      expect(tryGit(r, ['rev-parse', 'origin/main']).stdout.trim()).not.toBe(r.head());
    });

    test('twins: a line that ignores its status, a line that can be skipped, or no gitguard line at all still warn', async () => {
      for (const text of [
        'gitguard hook run pre-push "$@" || true\n',
        `[ -n "$CI" ] && exit 0\n${GITGUARD_LINE}`,
        `cat <<EOF\n${GITGUARD_LINE}EOF\n`,
        'npx lint-staged\n',
      ]) {
        put(join(r.dir, '.husky', 'pre-push'), { text });
        const { installed } = await hookRules(r);
        expect(installed.outcome).toBe('warn');
        expect(installed.findings.map((f) => f.message)).toEqual([
          expect.stringContaining("(husky's, which does not run gitguard: add gitguard hook run pre-push to"),
        ]);
      }
    });
  });

  test('gitguard hook install first, husky after: the hook left in .git/hooks is not "bypassed" while .husky/pre-push runs gitguard', async () => {
    const r = signingRepo();
    expect((await runMain(['hook', 'install', '-C', r.dir], { env: r.env })).code).toBe(0);
    put(join(r.dir, '.husky', '_', 'pre-push'), { fixture: 'husky-pre-push' });
    put(join(r.dir, '.husky', '_', 'h'), { fixture: 'husky-h' });
    r.run(['config', 'core.hooksPath', '.husky/_']);
    put(join(r.dir, '.husky', 'pre-push'), { text: GITGUARD_LINE });
    expect(await hookRules(r)).toEqual(expect.objectContaining({ disabled: 'pass' }));
    // Without the line no gitguard runs at all: the hook git no longer reaches is reported.
    put(join(r.dir, '.husky', 'pre-push'), { text: 'npx lint-staged\n' });
    const { report } = await audit(r, ['hooks-not-disabled']);
    expect(resultOf(report, 'hooks-not-disabled').findings.map((f) => f.message)).toEqual([
      expect.stringContaining("points away from gitguard's pre-push hook"),
    ]);
  });

  test('husky 4-8 (core.hooksPath=.husky, each hook sourcing _/husky.sh): the hook itself runs gitguard', async () => {
    const r = signingRepo();
    r.run(['config', 'core.hooksPath', '.husky']);
    const v8 = (body: string) => `#!/usr/bin/env sh\n. "$(dirname -- "$0")/_/husky.sh"\n\n${body}`;
    put(join(r.dir, '.husky', 'pre-push'), { text: v8(GITGUARD_LINE) });
    const { installed } = await hookRules(r);
    expect(installed.outcome).toBe('pass');
    expect(installed.note).toContain(`${join(r.dir, '.husky', 'pre-push')} line 4`);
    put(join(r.dir, '.husky', 'pre-push'), { text: v8('npm test\n') });
    expect((await hookRules(r)).installed.outcome).toBe('warn');
  });

  test("lefthook: a pre-push command running gitguard with git's input passes; without use_stdin, or overridden locally, it warns", async () => {
    const r = signingRepo();
    put(join(r.dir, '.git', 'hooks', 'pre-push'), { fixture: 'lefthook-pre-push' });
    const config = (extra = '      use_stdin: true\n') =>
      `pre-push:\n  commands:\n    lint:\n      run: npm run lint\n    gitguard:\n      run: gitguard hook run pre-push {1} {2}\n${extra}`;
    r.write({ 'lefthook.yml': config() });
    let { installed } = await hookRules(r);
    expect(installed.outcome).toBe('pass');
    expect(installed.note).toContain(`${join(r.dir, 'lefthook.yml')} pre-push.commands.gitguard`);
    // lefthook 1.10's jobs list reads the same.
    r.write({
      'lefthook.yml': 'pre-push:\n  jobs:\n    - run: npx gitguard hook run pre-push {1} {2}\n      use_stdin: true\n',
    });
    expect((await hookRules(r)).installed.outcome).toBe('pass');

    // Without git's input the check sees no ref update and lets every push through.
    r.write({ 'lefthook.yml': config('') });
    ({ installed } = await hookRules(r));
    expect(installed.outcome).toBe('warn');
    r.write({
      'lefthook.yml': config(),
      'lefthook-local.yml': 'pre-push:\n  commands:\n    gitguard:\n      skip: true\n',
    });
    ({ installed } = await hookRules(r));
    expect(installed.outcome).toBe('warn');
    expect(installed.findings[0]!.message).toContain("(lefthook's, which does not run gitguard");
  });

  test('the pre-commit framework: the gitguard hook id at the pre-push stage passes; at another stage it warns', async () => {
    const r = signingRepo();
    put(join(r.dir, '.git', 'hooks', 'pre-push'), { fixture: 'pre-commit-pre-push' });
    const config = (extra = '') =>
      `repos:\n  - repo: https://github.com/pre-commit/pre-commit-hooks\n    rev: v5.0.0\n    hooks:\n      - id: trailing-whitespace\n  - repo: https://example.com/gitguard\n    rev: v0.1.0\n    hooks:\n      - id: gitguard\n${extra}`;
    r.write({ '.pre-commit-config.yaml': config() });
    const { installed } = await hookRules(r);
    expect(installed.outcome).toBe('pass');
    expect(installed.note).toContain(`${join(r.dir, '.pre-commit-config.yaml')} repos[1].hooks[0]`);
    r.write({ '.pre-commit-config.yaml': config('        stages: [pre-commit]\n') });
    expect((await hookRules(r)).installed.outcome).toBe('warn');
  });

  test('gitguard hook install, then pre-commit install: pre-commit keeps gitguard as pre-push.legacy and runs it first', async () => {
    const r = signingRepo();
    expect((await runMain(['hook', 'install', '-C', r.dir], { env: r.env })).code).toBe(0);
    // What `pre-commit install --hook-type pre-push` does with the hook it finds.
    const hooks = join(r.dir, '.git', 'hooks');
    renameSync(join(hooks, 'pre-push'), join(hooks, 'pre-push.legacy'));
    put(join(hooks, 'pre-push'), { fixture: 'pre-commit-pre-push' });
    r.write({ '.pre-commit-config.yaml': 'repos: []\n' });
    const { installed } = await hookRules(r);
    expect(installed.outcome).toBe('pass');
    expect(installed.note).toContain(
      `${join(hooks, 'pre-push.legacy')} (gitguard's hook, which pre-commit runs first)`,
    );
    // An edited copy is gitguard's hook modified after install, as anywhere else.
    writeFileSync(join(hooks, 'pre-push.legacy'), 'exit 0\n', { flag: 'a' });
    const edited = (await hookRules(r)).installed;
    expect(edited.outcome).toBe('fail');
    expect(edited.findings.map((f) => f.message)).toEqual([
      `gitguard's pre-push hook was modified after it was installed: ${join(hooks, 'pre-push.legacy')}`,
    ]);
  });
});

// Real published keys and allowed-signers files, with their provenance in each folder's README.md.
const OPENPGP_FIXTURES = join(ROOT, 'test', 'fixtures', 'openpgp');
const ALLOWED_SIGNERS_FIXTURES = join(ROOT, 'test', 'fixtures', 'allowed-signers');

describe("Bitcoin Core's 39 builder key files as a policy's keys/", () => {
  // Published keys as they are: expired primaries, revoked subkeys, third-party certifications and
  // their revocations, one key in two files, keys from 2011 re-certified since. The policy loads, and
  // signature-algorithms-strong judges each key by the self-signatures gpg uses (each user ID's latest
  // certification, each signing subkey's latest binding), not by ones superseded or revoked.
  const BUILDERS = join(OPENPGP_FIXTURES, 'bitcoin-core-builder-keys');
  const files = readdirSync(BUILDERS).filter((f) => f.endsWith('.gpg'));
  /** Primary fingerprints as gpg lists them after importing every file. */
  const gpgFingerprints = (): string[] => {
    const gpg = makeGpg(mkdtempSync(join(tmpdir(), 'gg-btc-')));
    gpg.run(['--import', ...files.map((f) => join(BUILDERS, f))]);
    const lines = gpg.run(['--list-keys', '--with-colons']).toString().split('\n');
    gpg.kill();
    return lines
      .filter((l, i) => l.startsWith('fpr:') && lines[i - 1]!.startsWith('pub:'))
      .map((l) => l.split(':')[9]!);
  };

  test('the policy loads with every key; only keys whose own current self-signatures are SHA-1 are weak', async () => {
    expect(files).toHaveLength(39);
    const fingerprints = gpgFingerprints();
    expect(fingerprints).toHaveLength(38); // TheCharlatan.gpg and sedited.gpg hold one key
    const r = signingRepo();
    mkdirSync(join(r.dir, '.gitguard', 'keys'));
    for (const f of files) copyFileSync(join(BUILDERS, f), join(r.dir, '.gitguard', 'keys', f));
    const signers = fingerprints
      .map(
        (f) =>
          `  - name: builder-${f.slice(-16)}\n    emails: [${f.slice(-16).toLowerCase()}@builders.example]\n    openpgp: [${f}]\n`,
      )
      .join('');
    r.commit('policy: the builders', {
      '.gitguard/policy.yml': ALICE_POLICY.replace('maintainers:', `${signers}maintainers:`),
    });
    r.commit('work');
    const rules = ['policy-changes-authorized', 'signers-authorized', 'signature-algorithms-strong'];
    const { report } = await audit(r, rules);
    expect(resultOf(report, 'policy-changes-authorized').outcome).toBe('pass');
    expect(resultOf(report, 'signers-authorized').outcome).toBe('pass');
    const weak = resultOf(report, 'signature-algorithms-strong');
    expect(weak.note).toContain('38 trusted key(s)');
    // laanwj (71A3...) keeps SHA-1 certifications from 2011 superseded by SHA-512 ones in 2022, sipa
    // (133E...) a SHA-1 user ID certification superseded in 2024 and revoked SHA-1 subkeys: gpg uses
    // neither. These three stand on SHA-1 (TheCharlatan's second user ID, cfields' 2014 key, willyko's user ID).
    expect(weak.findings.map((f) => f.evidence?.key).sort()).toEqual([
      '79D00BAC68B56D422F945A8F8E3A8F3247DBCBBF',
      'A8FC55F3B04BA3146F3492E79303B33A305224CB',
      'C060A6635913D98A3587D7DB1C2491FFEB0EF770',
    ]);
    expect(weak.findings.every((f) => f.message.endsWith('its self-signatures use SHA-1'))).toBe(true);
  });
});

describe('commits GitHub makes (merge and squash buttons, web editor, Dependabot), accepted as the README says', () => {
  // GitHub signs them with its web-flow key as committer `GitHub <noreply@github.com>`, the author
  // being the person (or bot). Two stand-in keys with the real ones' user IDs and lives: the old one
  // (2017, expired 2024-01-16) and its successor; the policy is the README's `forges:` recipe.
  const at = (iso: string): number => Date.parse(iso) / 1000;
  let r: TestRepo;
  let gpg: Gpg;
  let oldKey: string;
  let newKey: string;
  /** A commit GitHub makes at `iso`, signed with `key`, authored by `author` (default: Alice). */
  const github = (key: string, iso: string, args: string[], author?: { name: string; email: string }): string => {
    r.run(['-c', 'gpg.format=openpgp', '-c', `gpg.program=${gpg.wrapper}`, '-c', `user.signingkey=${key}`, ...args], {
      env: {
        GNUPGHOME: gpg.home,
        GG_GPG_ARGS: `--faked-system-time ${at(iso)}!`,
        GIT_COMMITTER_NAME: 'GitHub',
        GIT_COMMITTER_EMAIL: 'noreply@github.com',
        GIT_COMMITTER_DATE: iso,
        GIT_AUTHOR_DATE: iso,
        ...(author ? { GIT_AUTHOR_NAME: author.name, GIT_AUTHOR_EMAIL: author.email } : {}),
      },
    });
    return r.head();
  };
  /** The README's recipe: the forge, its committer address, its keys. */
  const forgePolicy = (keys: string[]): string =>
    `${ALICE_POLICY}forges:\n  - name: GitHub\n    committer: noreply@github.com\n    openpgp: [${keys.join(', ')}]\n`;
  const IMPERSONATION = [
    'commits-signed',
    'signatures-valid',
    'signer-matches-committer',
    'signers-authorized',
    'signing-keys-valid',
  ];

  beforeAll(() => {
    gpg = makeGpg(mkdtempSync(join(tmpdir(), 'gg-wf-')));
    oldKey = fixtureKey(gpg, {
      name: 'web-flow-2017',
      uid: 'GitHub (web-flow commit signing) <noreply@github.com>',
      algo: 'rsa2048',
      at: at('2017-08-16T15:44:01Z'),
      expire: '2024-01-16',
    });
    newKey = fixtureKey(gpg, {
      name: 'web-flow-2024',
      uid: 'GitHub <noreply@github.com>',
      algo: 'rsa2048',
      at: at('2024-01-16T18:05:42Z'),
    });
    r = signingRepo();
    // web-flow.gpg as GitHub publishes it: both keys in one binary file.
    mkdirSync(join(r.dir, '.gitguard', 'keys'));
    writeFileSync(join(r.dir, '.gitguard', 'keys', 'web-flow.gpg'), gpg.exportPublic(oldKey, newKey));
    r.commit('policy: accept what GitHub signs', { '.gitguard/policy.yml': forgePolicy([oldKey, newKey]) });
    r.run(['checkout', '-q', '-b', 'feature']);
    r.commit('feature work');
    r.run(['checkout', '-q', 'main']);
    github(oldKey, '2023-06-01T10:00:00Z', [
      'merge',
      '-q',
      '--no-ff',
      '-S',
      '-m',
      'Merge pull request #1 from alice/feature',
      'feature',
    ]);
    github(
      oldKey,
      '2023-07-01T10:00:00Z',
      ['commit', '-q', '--allow-empty', '-S', '-m', 'Bump lodash from 4.17.20 to 4.17.21'],
      {
        name: 'dependabot[bot]',
        email: '49699333+dependabot[bot]@users.noreply.github.com',
      },
    );
    r.run(['checkout', '-q', '-b', 'fix']);
    r.commit('fix work');
    r.run(['checkout', '-q', 'main']);
    r.run(['merge', '-q', '--squash', 'fix']);
    github(newKey, '2024-03-01T10:00:00Z', ['commit', '-q', '-S', '-m', 'Fix work (#2)']);
    r.write({ 'README.md': 'edited on github.com\n' });
    r.run(['add', 'README.md']);
    github(newKey, '2024-04-01T10:00:00Z', ['commit', '-q', '-S', '-m', 'Update README.md']);
  });
  afterAll(() => gpg.kill());

  test("every commit is authorized, the old key's before its expiry, and verify says who GitHub signed for", async () => {
    const { code, report } = await audit(r, IMPERSONATION);
    expect(IMPERSONATION.map((id) => resultOf(report, id).outcome)).toEqual(IMPERSONATION.map(() => 'pass'));
    expect(code).toBe(0);
    const res = await runMain(['verify', '-C', r.dir, '--no-cache', '--format', 'json'], { env: r.env });
    const rows = (JSON.parse(res.stdout) as { commits: Array<{ letter: string; status: string; detail: string }> })
      .commits;
    expect(rows.map((x) => x.status)).toEqual([
      ...Array<string>(3).fill('authorized'),
      ...Array<string>(4).fill('forge'),
    ]);
    expect(rows[4]!.detail).toContain('on behalf of dependabot[bot]');
    expect(res.code).toBe(0);
  });

  test('twins: the forge key for another committer, another key as GitHub fail; a policy naming only the new key fails the old merges', async () => {
    const tip = r.head();
    const stranger = fixtureKey(gpg, {
      name: 'github-not-web-flow',
      uid: 'GitHub (not web-flow) <noreply@github.com>',
      algo: 'rsa2048',
      at: at('2024-01-01T00:00:00Z'),
    });
    r.run(
      ['-c', 'gpg.format=openpgp', '-c', `gpg.program=${gpg.wrapper}`, '-c', `user.signingkey=${newKey}`].concat([
        'commit',
        '-q',
        '--allow-empty',
        '-S',
        '-m',
        'web-flow key, alice as committer',
      ]),
      { env: { GNUPGHOME: gpg.home } },
    );
    const asAlice = r.head();
    const unknown = github(stranger, '2024-05-01T10:00:00Z', [
      'commit',
      '-q',
      '--allow-empty',
      '-S',
      '-m',
      'another key',
    ]);
    const res = await runMain(['verify', '-C', r.dir, '--no-cache', '--format', 'json'], { env: r.env });
    const rows = (JSON.parse(res.stdout) as { commits: Array<{ commit: string; letter: string; status: string }> })
      .commits;
    expect(rows.slice(-2).map((x) => [x.commit, x.letter, x.status])).toEqual([
      [asAlice, 'G', expect.not.stringMatching(/^(authorized|forge)$/)],
      [unknown, 'E', 'unknown-signer'], // git too: gpg has no such key
    ]);
    expect(res.code).toBe(1);
    r.run(['reset', '-q', '--hard', tip]);

    // web-flow.gpg holds the expired key too: a forge naming only the current one leaves the merges
    // GitHub signed before 2024-01-16 to nobody.
    const saved = r;
    r = signingRepo();
    mkdirSync(join(r.dir, '.gitguard', 'keys'));
    writeFileSync(join(r.dir, '.gitguard', 'keys', 'web-flow.gpg'), gpg.exportPublic(oldKey, newKey));
    r.commit('policy: only the new web-flow key', { '.gitguard/policy.yml': forgePolicy([newKey]) });
    const merge = github(oldKey, '2023-06-01T10:00:00Z', [
      'commit',
      '-q',
      '--allow-empty',
      '-S',
      '-m',
      'Merge pull request #1',
    ]);
    const { code, report } = await audit(r, ['signers-authorized']);
    r = saved;
    expect(resultOf(report, 'signers-authorized').findings.map((f) => f.commit)).toEqual([merge]);
    expect(code).toBe(1);
  });

  test("protected paths: a merge commit brings in what a maintainer signed and passes; a squash merge is GitHub's own change and fails", async () => {
    const tip = r.head();
    r.run(['checkout', '-q', '-b', 'ci']);
    r.commit('ci: run gitguard', { '.github/workflows/ci.yml': 'run: gitguard audit\n' });
    r.run(['checkout', '-q', 'main']);
    github(newKey, '2024-05-01T10:00:00Z', [
      'merge',
      '-q',
      '--no-ff',
      '-S',
      '-m',
      'Merge pull request #3 from alice/ci',
      'ci',
    ]);
    const rules = ['protected-paths-changed-by-maintainers', 'signers-authorized'];
    let { code, report } = await audit(r, rules);
    expect(rules.map((id) => resultOf(report, id).outcome)).toEqual(['pass', 'pass']);
    expect(code).toBe(0);
    r.run(['checkout', '-q', '-b', 'ci2']);
    r.commit('ci: audit every ref', { '.github/workflows/ci.yml': 'run: gitguard audit --all\n' });
    r.run(['checkout', '-q', 'main']);
    r.run(['merge', '-q', '--squash', 'ci2']);
    const squash = github(newKey, '2024-05-02T10:00:00Z', ['commit', '-q', '-S', '-m', 'ci: audit every ref (#4)']);
    ({ code, report } = await audit(r, rules));
    expect(resultOf(report, 'protected-paths-changed-by-maintainers').findings.map((f) => f.commit)).toEqual([squash]);
    expect(code).toBe(1);
    r.run(['reset', '-q', '--hard', tip]);
  });

  test('gitguard init on a history GitHub signed in: GitHub as a forge when your keyring holds its key, else how to add it', async () => {
    const saved = r;
    r = makeRepo();
    configureSshSigning(r, alice);
    r.run(['config', 'user.email', 'alice@example.com']);
    r.commit('alice', {}, ['-S']);
    github(newKey, '2024-03-01T10:00:00Z', ['commit', '-q', '--allow-empty', '-S', '-m', 'Merge pull request #1']);
    const init = await runMain(['init', '-C', r.dir], { env: r.env });
    expect(init.code).toBe(0);
    expect(init.stdout).toContain(
      '1 signed commit(s) were made by GitHub (committer noreply@github.com: merge buttons, web editor, Dependabot): to accept the ones to come, save https://github.com/web-flow.gpg as .gitguard/keys/web-flow.gpg',
    );
    // With web-flow in the user's keyring (curl https://github.com/web-flow.gpg | gpg --import, so that
    // git log shows G), its key is GitHub's: proposed under forges:, never as a signer named GitHub.
    execFileSync('gpg', ['--batch', '--import'], {
      env: { ...r.env, GNUPGHOME: join(r.home, '.gnupg') },
      input: gpg.exportPublic(newKey),
      stdio: 'pipe',
    });
    const withKey = await runMain(['init', '-C', r.dir, '--force'], { env: r.env });
    expect(withKey.code).toBe(0);
    const policy = readFileSync(join(r.dir, '.gitguard', 'policy.yml'), 'utf8');
    expect(policy).toContain(
      `forges:\n  - name: "GitHub"\n    committer: "noreply@github.com"\n    openpgp: ["${newKey}"]`,
    );
    expect(policy).not.toMatch(/emails: \["noreply@github\.com"\]/);
    r.run(['add', '.gitguard']);
    r.commit('Add gitguard trust policy', {}, ['-S']);
    github(newKey, '2024-04-01T10:00:00Z', ['commit', '-q', '--allow-empty', '-S', '-m', 'Merge pull request #2']);
    const { code, report } = await audit(r, ['signers-authorized', 'policy-changes-authorized']);
    r = saved;
    expect(resultOf(report, 'signers-authorized').outcome).toBe('pass');
    expect(code).toBe(0);
  });

  test("the README's recipe with GitHub's real web-flow.gpg (and the older export of its first key) loads and judges", async () => {
    const readme = readFileSync(join(ROOT, 'README.md'), 'utf8');
    const recipe = /Commits that GitHub makes[\s\S]*?```yaml\n(forges:[\s\S]*?)```/.exec(readme)?.[1];
    expect(recipe).toContain('968479A1AFF927E37D1A566BB5690EEEBB952194');
    const real = signingRepo();
    mkdirSync(join(real.dir, '.gitguard', 'keys'));
    for (const f of ['web-flow.gpg', 'web-flow-4AEE18F83AFDEB23.asc'])
      copyFileSync(join(OPENPGP_FIXTURES, f), join(real.dir, '.gitguard', 'keys', f));
    real.commit('policy: accept GitHub', { '.gitguard/policy.yml': `${ALICE_POLICY}${recipe!}` });
    real.commit('work');
    const { code, report } = await audit(real, ['signers-authorized', 'policy-changes-authorized']);
    expect(resultOf(report, 'signers-authorized').outcome).toBe('pass');
    expect(resultOf(report, 'policy-changes-authorized').outcome).toBe('pass');
    expect(code).toBe(0);
  });
});

describe("git's own multiply-signed commit (t7510-signed-commit.sh: gpgsig and gpgsig-sha256)", () => {
  // Rebuilt as git's test suite builds it: the same files, identities and test_tick dates give the
  // same tree and parent, so the signatures git's test carries verify. git reads the gpgsig header
  // for a SHA-1 repository and leaves the other one out of the payload; gitguard must agree.
  const FIXTURES = OPENPGP_FIXTURES;
  const TICK = '1112912653 -0700'; // test_tick after the eleven ticks before it in t7510
  test('gitguard gives the letter git gives, for the commit and for a copy whose message was changed', async () => {
    const r = makeRepo();
    const gpg = makeGpg(mkdtempSync(join(tmpdir(), 'gg-t7510-')));
    gpg.run(['--import', join(FIXTURES, 'keyring.gpg')]);
    gpg.run(['--import-ownertrust', join(FIXTURES, 'ownertrust')]);
    const env = {
      GIT_AUTHOR_NAME: 'A U Thor',
      GIT_AUTHOR_EMAIL: 'author@example.com',
      GIT_COMMITTER_NAME: 'C O Mitter',
      GIT_COMMITTER_EMAIL: 'committer@example.com',
      GIT_AUTHOR_DATE: TICK,
      GIT_COMMITTER_DATE: TICK,
    };
    r.write({ 'first.t': 'first\n' });
    r.run(['add', 'first.t']);
    r.run(['commit', '-q', '-m', 'first'], { env });
    r.write({ second: '1\n' });
    r.run(['add', 'second']);
    const tree = r.run(['write-tree']);
    const parent = r.head();
    const text = readFileSync(join(FIXTURES, 't7510-multiply-signed.commit.in'), 'utf8')
      .replace('$tree', tree)
      .replace('$parent', parent);
    const signed = r.run(['hash-object', '-t', 'commit', '-w', '--stdin'], { input: text });
    const changed = r.run(['hash-object', '-t', 'commit', '-w', '--stdin'], {
      input: text.replace('\nsecond\n', '\nsecond, changed\n'),
    });
    const keyring = join(FIXTURES, 'keyring.gpg');
    const letters = async (oid: string) => {
      r.run(['reset', '-q', '--hard', oid]);
      const git = r.run(['log', '-1', '--format=%G? %GF', oid], { env: { GNUPGHOME: gpg.home } });
      const res = await runMain(['verify', '-C', r.dir, '--no-cache', '--format', 'json', '--keyring', keyring], {
        env: r.env,
      });
      const row = (
        JSON.parse(res.stdout) as { commits: Array<{ commit: string; letter: string; signer: string }> }
      ).commits.find((c) => c.commit === oid)!;
      return { git, ours: `${row.letter} ${row.letter === 'G' ? row.signer : ''}`.trim() };
    };
    const good = await letters(signed);
    expect(good.git).toBe('G 73D758744BE721698EC54E8713B6F51ECDDE430D');
    expect(good.ours).toBe(good.git);
    const bad = await letters(changed);
    expect(bad.git.trim()).toBe('B');
    expect(bad.ours).toBe('B');
    gpg.kill();
  });
});

describe('published allowed_signers files (privacyguides, Mikaela): loaded and matched like ssh-keygen', () => {
  // Their keys sign nothing here, so a test key is added with the shapes they use: wildcard
  // principals, valid-after/valid-before in 8, 12 and 14 digits, comments. git (through ssh-keygen,
  // with the committer date as verify-time) and gitguard must give the same letter for each commit.
  test('every file loads; the letters equal git’s; wildcards vouch only for the addresses they match', async () => {
    const r = makeRepo();
    const key = makeSshKey(r.home, 'ed25519', 'amindas-laptop');
    const files = readdirSync(ALLOWED_SIGNERS_FIXTURES)
      .filter((f) => !f.endsWith('.md'))
      .map((f) => readFileSync(join(ALLOWED_SIGNERS_FIXTURES, f), 'utf8'));
    expect(files).toHaveLength(3);
    const allowed = join(tempDir(), 'allowed_signers');
    writeFileSync(
      allowed,
      `${files.join('')}*@aminda.eu,*@mikaela.info valid-after="202112200000",valid-before="20261220000000Z" ${key.pub}\n`,
    );
    r.run(['config', 'gpg.format', 'ssh']);
    r.run(['config', 'user.signingkey', key.path]);
    r.run(['config', 'gpg.ssh.allowedSignersFile', allowed]);
    const commit = (email: string, date: string): string => {
      r.run(['commit', '-q', '--allow-empty', '-S', '-m', `${email} ${date}`], {
        env: { GIT_COMMITTER_EMAIL: email, GIT_AUTHOR_EMAIL: email, GIT_COMMITTER_DATE: date, GIT_AUTHOR_DATE: date },
      });
      return r.head();
    };
    const cases: Array<[string, string, string]> = [
      ['x@aminda.eu', '2023-01-01T00:00:00Z', 'authorized'],
      ['y@mikaela.info', '2021-01-01T00:00:00Z', 'unknown-signer'], // before valid-after
      ['X@Aminda.EU', '2023-01-02T00:00:00Z', 'authorized'],
      ['z@example.com', '2023-01-03T00:00:00Z', 'impersonation'],
      ['w@sub.aminda.eu', '2023-01-04T00:00:00Z', 'impersonation'],
      ['v@aminda.eu', '2021-12-20T00:30:00Z', 'authorized'],
      ['v@aminda.eu', '2026-12-21T00:00:00Z', 'unknown-signer'], // after valid-before
    ];
    const oids = cases.map(([email, date]) => commit(email, date));
    const git = r.run(['log', '--reverse', '--format=%G?']).split('\n');
    const res = await runMain(['verify', '-C', r.dir, '--no-cache', '--format', 'json', '--allowed-signers', allowed], {
      env: r.env,
    });
    const rows = (JSON.parse(res.stdout) as { commits: Array<{ commit: string; letter: string; status: string }> })
      .commits;
    expect(rows.map((x) => x.commit)).toEqual(oids);
    expect(rows.map((x) => x.letter)).toEqual(git);
    expect(rows.map((x) => x.status)).toEqual(cases.map((c) => c[2]));
    expect(res.code).toBe(1);
  });
});

describe('repositories as they are on disk (these passed already; kept so they stay so)', () => {
  const RULES = [
    'commits-signed',
    'signers-authorized',
    'policy-changes-authorized',
    'tags-signed',
    'hooks-not-disabled',
  ];
  const clean = async (r: TestRepo, dir: string, extra: string[] = []) => {
    const { code, report, stderr } = await audit(r, RULES, dir, extra);
    expect(stderr).toBe('');
    expect(report.results.filter((x) => x.outcome === 'fail').map((x) => x.meta.id)).toEqual([]);
    expect(code).toBe(0);
    return report;
  };

  test('a linked worktree (git worktree add): audited, and the hook installed from it runs for it', async () => {
    const r = signingRepo();
    const linked = join(tempDir(), 'linked tree');
    r.run(['worktree', 'add', '-q', '-b', 'topic', linked]);
    r.run(['-C', linked, 'commit', '-q', '--allow-empty', '-m', 'work in the linked tree']);
    expect((await clean(r, linked)).scope.commits).toBe(2);
    expect((await runMain(['hook', 'install', '-C', linked], { env: r.env })).code).toBe(0);
    const { report } = await audit(r, ['gitguard-hook-installed'], linked);
    expect(resultOf(report, 'gitguard-hook-installed').outcome).toBe('pass');
  });

  test('a superproject and its submodule (.git a file, the git dir under .git/modules) are each audited', async () => {
    const sub = signingRepo();
    const r = signingRepo();
    r.run(['-c', 'protocol.file.allow=always', 'submodule', 'add', '-q', sub.dir, 'libs/sub']);
    r.run(['commit', '-q', '-m', 'add the submodule']);
    await clean(r, r.dir);
    const inner = join(r.dir, 'libs', 'sub');
    expect(r.run(['-C', inner, 'rev-parse', '--git-dir'])).toBe(join(r.dir, '.git', 'modules', 'libs', 'sub'));
    await clean(r, inner);
  });

  test('sparse checkout without .gitguard, core.autocrlf, and a policy and allowed_signers written with CRLF', async () => {
    const r = signingRepo();
    r.commit('policy saved on Windows', {
      '.gitguard/policy.yml': ALICE_POLICY.replace(/\n/g, '\r\n'),
      '.gitguard/allowed_signers': `alice@example.com ${alice.pub}\r\n`,
    });
    r.commit('code', { 'src/app.txt': 'app\n' });
    r.run(['config', 'core.autocrlf', 'true']);
    r.run(['sparse-checkout', 'set', '--cone', 'src']);
    expect(readdirSync(r.dir)).not.toContain('.gitguard');
    await clean(r, r.dir);
  });

  test('a path with spaces and non-ASCII, init.defaultBranch=trunk, HEAD detached at a signed tag', async () => {
    const r = signingRepo();
    r.run(['branch', '-m', 'main', 'trunk']);
    r.commit('release work');
    r.run(['tag', '-s', '-m', 'release 1.0', 'v1.0']);
    r.commit('after the release');
    const dir = join(tempDir(), 'Mes dépôts', 'プロジェクト 1');
    mkdirSync(join(dir, '..'), { recursive: true });
    r.run(['-c', 'init.defaultBranch=trunk', 'clone', '-q', r.dir, dir]);
    r.run(['-C', dir, 'checkout', '-q', 'v1.0']);
    const report = await clean(r, dir);
    expect(report.scope.commits).toBe(2);
    expect(resultOf(report, 'tags-signed').outcome).toBe('pass');
  });

  test('2,000 tags and 500 branches: every rule runs, none fails, the findings stay few', async () => {
    const r = signingRepo();
    for (let i = 0; i < 5; i++) r.commit(`work ${i}`);
    const tips = r.run(['rev-list', 'HEAD']).split('\n');
    const lines = [
      ...Array.from({ length: 2000 }, (_, i) => `create refs/tags/build-${i} ${tips[i % tips.length]}`),
      ...Array.from({ length: 500 }, (_, i) => `create refs/heads/feature-${i} ${tips[i % tips.length]}`),
    ];
    r.run(['update-ref', '--stdin'], { input: `${lines.join('\n')}\n` });
    for (const extra of [[], ['--all']]) {
      const res = await runMain(
        ['audit', '-C', r.dir, '--format', 'json', '--no-cache', '-t', 'impersonation,history', ...extra],
        {
          env: r.env,
        },
      );
      const report = parseJson(res);
      expect(report.results.filter((x) => x.outcome === 'fail').map((x) => x.meta.id)).toEqual([]);
      expect(report.results.reduce((n, x) => n + x.findingCount, 0)).toBe(0);
      expect(res.code).toBe(0);
    }
  });
});

describe('signing configurations people use, in their global config (these passed already)', () => {
  const SIGNING = [
    'signing-enabled-when-required',
    'signing-programs-not-overridden-locally',
    'no-code-execution-in-local-config',
  ];
  test('key:: literal or .pub path, defaultKeyCommand, gpg.program, tag.gpgSign, an includeIf file, allowedSignersFile in ~/.config: all pass; the same in the repository fails', async () => {
    const r = signingRepo();
    const home = r.home;
    mkdirSync(join(home, '.config', 'git'), { recursive: true });
    writeFileSync(join(home, '.config', 'git', 'allowed_signers'), `alice@example.com ${alice.pub}\n`);
    writeFileSync(join(home, '.gitconfig-work'), '[commit]\n\tgpgSign = true\n');
    // The repository's own signing settings (sshSigningRepo's) move to the global config.
    for (const key of ['gpg.format', 'user.signingkey', 'commit.gpgSign', 'tag.gpgSign'])
      r.run(['config', '--unset', key]);
    const global = (args: string[]) => r.run(['config', '--global', ...args]);
    global(['gpg.format', 'ssh']);
    global(['gpg.ssh.allowedSignersFile', '~/.config/git/allowed_signers']);
    global(['gpg.ssh.defaultKeyCommand', 'ssh-add -L']);
    global(['gpg.program', 'gpg2']);
    global(['tag.gpgSign', 'true']);
    global([`includeIf.gitdir:${join(r.dir, '..')}/.path`, join(home, '.gitconfig-work')]);
    for (const signingKey of [`key::${alice.pub}`, `${alice.path}.pub`]) {
      global(['user.signingkey', signingKey]);
      const { code, report } = await audit(r, SIGNING);
      expect(SIGNING.map((id) => resultOf(report, id).outcome)).toEqual(['pass', 'pass', 'pass']);
      expect(code).toBe(0);
    }
    // Twin: a repository that sets its own trusted signers and key command is still refused.
    r.run(['config', 'gpg.ssh.allowedSignersFile', '.allowed_signers']);
    r.run(['config', 'gpg.ssh.defaultKeyCommand', 'sh -c "cat ~/.ssh/id_ed25519.pub"']);
    const { code, report } = await audit(r, SIGNING);
    expect(resultOf(report, 'signing-programs-not-overridden-locally').findings).toHaveLength(2);
    expect(code).toBe(1);
  });
});

describe("gitguard init when git takes the signing key from gpg.ssh.defaultKeyCommand 'ssh-add -L'", () => {
  // No user.signingkey: git signs with the first key ssh-add -L lists. init ran no command and
  // proposed no key, so the policy it wrote refused the user's own commits. The agent's socket gives
  // the same list without running anything.
  test("init proposes the agent's first key and the audit passes; another command is still not run", async () => {
    const r = makeRepo();
    const sock = join(tempDir('gg-agent-'), 'agent.sock');
    const started = execFileSync('ssh-agent', ['-s', '-a', sock], { stdio: 'pipe' }).toString();
    const pid = Number(/SSH_AGENT_PID=(\d+)/.exec(started)?.[1]);
    try {
      const env = { ...r.env, SSH_AUTH_SOCK: sock };
      execFileSync('ssh-add', ['-q', alice.path], { env, stdio: 'pipe' });
      for (const [k, v] of [
        ['gpg.format', 'ssh'],
        ['gpg.ssh.defaultKeyCommand', 'ssh-add -L'],
        ['user.email', 'alice@example.com'],
      ])
        r.run(['config', '--global', k!, v!]);
      r.run(['commit', '-q', '--allow-empty', '-S', '-m', 'signed with the agent key'], { env });
      const init = await runMain(['init', '-C', r.dir], { env });
      expect(init.stdout).toContain(`ssh ${alice.fingerprint}`);
      r.run(['add', '.gitguard']);
      r.run(['commit', '-q', '-S', '-m', 'Add gitguard trust policy'], { env });
      const { code, report } = await audit(r, ['commits-signed', 'signers-authorized']);
      expect(resultOf(report, 'signers-authorized').outcome).toBe('pass');
      expect(code).toBe(0);
      // Twin: any other command is never run, so no key comes from it.
      r.run(['config', '--global', 'gpg.ssh.defaultKeyCommand', `sh -c "echo ${alice.pub}"`]);
      const other = await runMain(['init', '-C', r.dir, '--force'], { env });
      expect(other.stdout).not.toContain(`ssh ${alice.fingerprint}`);
      expect(other.stdout).toContain('gpg.ssh.defaultKeyCommand was not run');
    } finally {
      if (pid) process.kill(pid);
    }
  });
});
