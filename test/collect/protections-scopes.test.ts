// Each protections config rule against a real repository: the key set at the scope an attacker (or a
// careless setup) would use — global via the pinned GIT_CONFIG_GLOBAL file, local via git config,
// worktree via --worktree, command via GIT_CONFIG_COUNT — and the rule fails, naming that scope.
import { chmodSync, existsSync, mkdirSync, readFileSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { runAudit } from '../../src/engine/audit.js';
import { withHookMarker } from '../../src/collect/hook-marker.js';
import { hookScript } from '../../src/collect/hook-script.js';
import type { RuleResult } from '../../src/domain/model.js';
import { cleanupTemp, makeRepo, tempDir, type TestRepo } from '../helpers/repo.js';

afterAll(cleanupTemp);

type Scope = 'global' | 'local' | 'worktree' | 'command';
interface Setting {
  scope: Scope;
  key: string;
  value: string;
}

/** Applies settings to a fresh repository; returns the environment to audit with. */
function apply(repo: TestRepo, settings: Setting[]): NodeJS.ProcessEnv {
  const env = { ...repo.env };
  let n = 0;
  for (const s of settings) {
    if (s.scope === 'command') {
      env[`GIT_CONFIG_KEY_${n}`] = s.key;
      env[`GIT_CONFIG_VALUE_${n}`] = s.value;
      n += 1;
    } else if (s.scope === 'worktree') {
      repo.run(['config', 'extensions.worktreeConfig', 'true']);
      repo.run(['config', '--worktree', s.key, s.value]);
    } else repo.run(['config', `--${s.scope}`, '--add', s.key, s.value]);
  }
  if (n) env.GIT_CONFIG_COUNT = String(n);
  return env;
}

async function audit(
  repo: TestRepo,
  rule: string,
  env: NodeJS.ProcessEnv = repo.env,
  server = false,
): Promise<RuleResult> {
  const report = await runAudit({ path: repo.dir, rules: [rule], failOn: 'low', env, server, trust: { cache: false } });
  return report.results[0]!;
}

const CASES: Array<{ rule: string; settings: Setting[]; scope: Scope }> = [
  {
    rule: 'protocols-restricted',
    settings: [{ scope: 'command', key: 'protocol.ext.allow', value: 'always' }],
    scope: 'command',
  },
  {
    rule: 'protocols-restricted',
    settings: [{ scope: 'global', key: 'protocol.allow', value: 'always' }],
    scope: 'global',
  },
  {
    rule: 'protocols-restricted',
    settings: [{ scope: 'local', key: 'protocol.file.allow', value: 'always' }],
    scope: 'local',
  },
  {
    rule: 'url-rewrites-keep-tls',
    settings: [{ scope: 'global', key: 'url.http://mirror.example/.insteadOf', value: 'https://github.com/' }],
    scope: 'global',
  },
  {
    rule: 'remotes-use-secure-transport',
    settings: [{ scope: 'local', key: 'remote.origin.url', value: 'git://git.example.com/r.git' }],
    scope: 'local',
  },
  {
    rule: 'submodule-recursion-safe',
    settings: [
      { scope: 'global', key: 'submodule.recurse', value: 'true' },
      { scope: 'command', key: 'protocol.file.allow', value: 'always' },
    ],
    scope: 'global',
  },
  {
    rule: 'signing-programs-not-overridden-locally',
    settings: [{ scope: 'local', key: 'gpg.program', value: './evil-gpg' }],
    scope: 'local',
  },
  {
    rule: 'signing-programs-not-overridden-locally',
    settings: [{ scope: 'worktree', key: 'gpg.ssh.program', value: './evil-ssh' }],
    scope: 'worktree',
  },
  {
    rule: 'no-code-execution-in-local-config',
    settings: [{ scope: 'worktree', key: 'core.sshCommand', value: 'sh -c evil' }],
    scope: 'worktree',
  },
  {
    rule: 'object-checks-not-weakened',
    settings: [{ scope: 'global', key: 'fetch.fsck.badTree', value: 'ignore' }],
    scope: 'global',
  },
  {
    rule: 'hooks-not-disabled',
    settings: [{ scope: 'local', key: 'core.hooksPath', value: '/dev/null' }],
    scope: 'local',
  },
  {
    rule: 'hooks-not-disabled',
    settings: [{ scope: 'command', key: 'core.hooksPath', value: '/dev/null' }],
    scope: 'command',
  },
  {
    rule: 'fsck-objects-enabled',
    settings: [{ scope: 'command', key: 'transfer.fsckObjects', value: 'false' }],
    scope: 'command',
  },
  {
    rule: 'tls-verification-enabled',
    settings: [{ scope: 'global', key: 'http.https://git.example.com/.sslVerify', value: 'false' }],
    scope: 'global',
  },
  {
    rule: 'safe-directory-not-wildcard',
    settings: [{ scope: 'global', key: 'safe.directory', value: '*' }],
    scope: 'global',
  },
  {
    rule: 'ntfs-hfs-protection-enabled',
    settings: [{ scope: 'local', key: 'core.protectNTFS', value: 'false' }],
    scope: 'local',
  },
  {
    rule: 'credentials-not-stored-in-plaintext',
    settings: [{ scope: 'global', key: 'credential.helper', value: 'store' }],
    scope: 'global',
  },
  {
    rule: 'remote-urls-without-credentials',
    settings: [{ scope: 'local', key: 'remote.origin.url', value: 'https://bob:hunter2@example.com/r.git' }],
    scope: 'local',
  },
];

describe('config rules on a real repository, at every scope', () => {
  test.each(
    CASES.map(
      (c) =>
        [
          `${c.rule} fails when ${c.settings.map((s) => `${s.key}=${s.value}`).join(' and ')} is set in ${c.settings.map((s) => s.scope).join('/')} config`,
          c,
        ] as const,
    ),
  )('%s', async (_name, c) => {
    const repo = makeRepo();
    const env = apply(repo, c.settings);
    const r = await audit(repo, c.rule, env);
    expect(r.outcome).toBe('fail');
    expect(r.findings.some((f) => f.evidence?.scope === c.scope)).toBe(true);
  });

  test('no-code-execution-in-local-config fails on a local core.fsmonitor program, and reading the config does not run it', async () => {
    const repo = makeRepo();
    const marker = join(repo.home, 'pwned');
    repo.commit('one');
    repo.run(['config', 'core.fsmonitor', `touch ${marker}`]);
    const r = await runAudit({
      path: repo.dir,
      threats: ['protections'],
      failOn: 'low',
      env: repo.env,
      trust: { cache: false },
    });
    expect(r.results.find((x) => x.meta.id === 'no-code-execution-in-local-config')!.outcome).toBe('fail');
    expect(existsSync(marker)).toBe(false);
  });

  test('hooks-not-disabled fails when the global core.hooksPath points at an empty folder', async () => {
    const repo = makeRepo();
    const empty = tempDir('gitguard-empty-hooks-');
    repo.run(['config', '--global', 'core.hooksPath', empty]);
    const r = await audit(repo, 'hooks-not-disabled');
    expect(r.outcome).toBe('fail');
    expect(r.findings[0]!.message).toContain('holds no hooks');
  });

  test("hooks-not-disabled fails when a local core.hooksPath points away from gitguard's hook installed in .git/hooks", async () => {
    const repo = makeRepo();
    const hooks = join(repo.dir, '.git', 'hooks');
    mkdirSync(hooks, { recursive: true });
    writeFileSync(join(hooks, 'pre-push'), withHookMarker(hookScript('pre-push')), {
      mode: 0o755,
    });
    repo.write({ '.githooks/pre-commit': '#!/bin/sh\nexit 0\n' });
    expect((await audit(repo, 'hooks-not-disabled')).outcome).toBe('pass');
    repo.run(['config', 'core.hooksPath', '.githooks']);
    const r = await audit(repo, 'hooks-not-disabled');
    expect(r.outcome).toBe('fail');
    expect(r.findings[0]!.message).toContain("points away from gitguard's pre-push hook");
    expect(r.findings[0]!.evidence?.scope).toBe('local');
  });

  test('signing-enabled-when-required fails on commit.gpgSign=false when the policy at HEAD requires signatures', async () => {
    const repo = makeRepo();
    repo.commit('policy', { '.gitguard/policy.yml': 'version: 1\n' });
    repo.run(['config', 'commit.gpgSign', 'false']);
    expect((await audit(repo, 'signing-enabled-when-required')).outcome).toBe('fail');
    repo.run(['config', 'commit.gpgSign', 'true']);
    // the pinned global config also sets tag.gpgSign=false
    expect((await audit(repo, 'signing-enabled-when-required')).findings.map((f) => f.evidence?.key)).toEqual([
      'tag.gpgsign',
    ]);
    repo.run(['config', 'tag.gpgSign', 'true']);
    expect((await audit(repo, 'signing-enabled-when-required')).outcome).toBe('pass');
  });

  test('signing-enabled-when-required is not applicable without a policy at HEAD', async () => {
    const repo = makeRepo();
    repo.commit('one');
    expect((await audit(repo, 'signing-enabled-when-required')).outcome).toBe('not-applicable');
  });
});

describe('gitguard-hook-installed on a real repository', () => {
  const HOOK = hookScript('pre-push');
  const install = (repo: TestRepo, content: string): string => {
    const path = join(repo.dir, '.git', 'hooks', 'pre-push');
    mkdirSync(join(repo.dir, '.git', 'hooks'), { recursive: true });
    writeFileSync(path, content);
    chmodSync(path, 0o755);
    return path;
  };

  test('warns when no pre-push hook is installed', async () => {
    expect((await audit(makeRepo(), 'gitguard-hook-installed')).outcome).toBe('warn');
  });

  test('passes with a marked hook, fails once it is edited, warns on a hook without the marker', async () => {
    const repo = makeRepo();
    const path = install(repo, withHookMarker(HOOK));
    expect((await audit(repo, 'gitguard-hook-installed')).outcome).toBe('pass');
    writeFileSync(path, readFileSync(path, 'utf8').replace('cat > "$input"', 'exit 0; cat > "$input"'));
    expect((await audit(repo, 'gitguard-hook-installed')).outcome).toBe('fail');
    install(repo, HOOK);
    expect((await audit(repo, 'gitguard-hook-installed')).outcome).toBe('warn');
  });
});
