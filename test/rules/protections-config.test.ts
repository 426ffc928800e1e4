// Pass/fail tables for the protections rules added for every config scope, hooks and servers.
import protocols from '../../src/rules/protocols-restricted.js';
import urlRewrites from '../../src/rules/url-rewrites-keep-tls.js';
import secureRemotes from '../../src/rules/remotes-use-secure-transport.js';
import submodules from '../../src/rules/submodule-recursion-safe.js';
import signingPrograms from '../../src/rules/signing-programs-not-overridden-locally.js';
import noCode from '../../src/rules/no-code-execution-in-local-config.js';
import objectChecks from '../../src/rules/object-checks-not-weakened.js';
import signingRequired from '../../src/rules/signing-enabled-when-required.js';
import hooksNotDisabled from '../../src/rules/hooks-not-disabled.js';
import hookInstalled from '../../src/rules/gitguard-hook-installed.js';
import serverReceive from '../../src/rules/server-receive-hardened.js';
import serverHook from '../../src/rules/server-hook-installed.js';
import { available, unavailable, type HookInfo, type HooksFacts } from '../../src/domain/model.js';
import { entry, evaluate, factsWith, policyWith, runTable, withConfig } from '../helpers/facts.js';

describe('protocols-restricted', () => {
  runTable(protocols, [
    { name: 'passes on git defaults', facts: withConfig(), outcome: 'pass' },
    {
      name: 'passes when ext is explicitly never',
      facts: withConfig(entry('protocol.ext.allow', 'never', 'global')),
      outcome: 'pass',
    },
    {
      name: 'passes when protocol.file.allow is user',
      facts: withConfig(entry('protocol.file.allow', 'user', 'global')),
      outcome: 'pass',
    },
    {
      name: 'fails when protocol.allow=always',
      facts: withConfig(entry('protocol.allow', 'always', 'global')),
      outcome: 'fail',
      mentions: ['protocol.allow=always (global)', 'ext::'],
    },
    {
      name: 'fails when protocol.ext.allow=user',
      facts: withConfig(entry('protocol.ext.allow', 'user', 'command', 'command line:')),
      outcome: 'fail',
      mentions: ['protocol.ext.allow=user (command)'],
    },
    {
      name: 'fails when protocol.file.allow=always',
      facts: withConfig(entry('protocol.file.allow', 'Always')),
      outcome: 'fail',
      mentions: ['CVE-2022-39253'],
    },
    {
      name: 'passes when a later scope restores the default',
      facts: withConfig(
        entry('protocol.file.allow', 'always', 'global'),
        entry('protocol.file.allow', 'user', 'local'),
      ),
      outcome: 'pass',
    },
    {
      name: 'is not available without config facts',
      facts: factsWith({ config: unavailable('boom') }),
      outcome: 'not-available',
    },
  ]);
});

describe('url-rewrites-keep-tls', () => {
  runTable(urlRewrites, [
    {
      name: 'passes on a rewrite between secure URLs',
      facts: withConfig(entry('url.git@github.com:.insteadof', 'https://github.com/', 'global')),
      outcome: 'pass',
    },
    {
      name: 'passes on a rewrite of http to https',
      facts: withConfig(entry('url.https://h/.insteadof', 'http://h/')),
      outcome: 'pass',
    },
    {
      name: 'fails when https is rewritten to http',
      facts: withConfig(entry('url.http://mirror.example/.insteadof', 'https://github.com/', 'global')),
      outcome: 'fail',
      mentions: ['https://github.com/', 'http://mirror.example/'],
    },
    {
      name: 'fails when an ssh URL is rewritten to git:// for pushes',
      facts: withConfig(entry('url.git://h/.pushinsteadof', 'git@h:')),
      outcome: 'fail',
      mentions: ['git://h/'],
    },
    {
      name: 'never shows a secret in the base',
      facts: withConfig(entry('url.http://u:s3cret@h/.insteadof', 'https://h/')),
      outcome: 'fail',
      mentions: ['http://u:***@h/'],
    },
  ]);
});

describe('remotes-use-secure-transport', () => {
  runTable(secureRemotes, [
    {
      name: "fails where git-annex's ssh options switch host-key checking off (per remote, or for every remote)",
      facts: withConfig(
        entry('remote.nas.annex-ssh-options', '-p 2222 -qoStrictHostKeyChecking=off'),
        entry('annex.ssh-options', '-o UserKnownHostsFile=/dev/null -o StrictHostKeyChecking=accept-new', 'global'),
        entry('remote.b.annex-ssh-options', '-o GlobalKnownHostsFile=ci/known_hosts'),
      ),
      outcome: 'fail',
      mentions: [
        'remote "nas"',
        'StrictHostKeyChecking=off',
        'every git-annex remote',
        'GlobalKnownHostsFile=ci/known_hosts',
      ],
    },
    {
      name: "passes where git-annex's ssh options keep host-key checking (a port, a key, yes first, accept-new, a known-hosts file in HOME)",
      facts: withConfig(
        entry(
          'remote.nas.annex-ssh-options',
          '-p 2222 -i ~/.ssh/annex -o StrictHostKeyChecking=yes -o StrictHostKeyChecking=no',
        ),
        entry('annex.ssh-options', '-o StrictHostKeyChecking=accept-new -o UserKnownHostsFile=~/.ssh/annex_hosts'),
        entry('remote.b.annex-ssh-options', '-o UserKnownHostsFile=none -o GlobalKnownHostsFile=/etc/ssh/annex_hosts'),
      ),
      outcome: 'pass',
    },
    // Clean pass 36: the URL git uses, insteadOf applied (test/cli/cleanpass36-remote-aliases.test.ts
    // compares with `git remote get-url`).
    {
      name: 'passes on a git:// remote that url.https://.insteadOf git:// rewrites (git fetches and pushes over https)',
      facts: withConfig(
        entry('url.https://.insteadof', 'git://', 'global'),
        entry('remote.origin.url', 'git://github.com/acme/app.git'),
      ),
      outcome: 'pass',
    },
    {
      name: 'fails on an https remote a rewrite sends to http:// (pushInsteadOf: the push only)',
      facts: withConfig(
        entry('url.http://git.example.org/.pushinsteadof', 'https://git.example.org/', 'global'),
        entry('remote.origin.url', 'https://git.example.org/app.git'),
      ),
      outcome: 'fail',
      mentions: ['which git pushes to as http://git.example.org/app.git'],
    },
    {
      name: 'fails on a git:// remote the rewrite leaves alone (another prefix)',
      facts: withConfig(
        entry('url.https://github.com/.insteadof', 'git://github.com/', 'global'),
        entry('remote.origin.url', 'git://gitlab.com/acme/app.git'),
      ),
      outcome: 'fail',
      mentions: ['remote.origin.url=git://gitlab.com/acme/app.git'],
    },
    {
      name: 'passes on https, ssh and scp-style remotes',
      facts: withConfig(
        entry('remote.origin.url', 'https://h/r.git'),
        entry('remote.b.url', 'ssh://git@h/r'),
        entry('remote.c.url', 'git@h:r.git'),
      ),
      outcome: 'pass',
    },
    // Clean pass 32: a server on this machine's loopback reached with no proxy (test/cli/cleanpass32-*
    // shows where real git connects for each proxy set-up).
    {
      name: 'passes on http:// and git:// remotes on the loopback with no proxy (a local Gitea, a test server)',
      facts: withConfig(
        entry('remote.gitea.url', 'http://localhost:3000/team/app.git'),
        entry('remote.test.url', 'http://127.0.0.1:8080/r.git'),
        entry('remote.v6.url', 'http://[::1]:3000/r.git'),
        entry('remote.v6.pushurl', 'http://git:secret@127.0.0.2/r.git'),
        entry('remote.daemon.url', 'git://localhost/r.git'),
        entry('http.https://github.com/.proxy', 'http://proxy.corp:3128', 'global'),
      ),
      outcome: 'pass',
    },
    {
      name: 'passes on a loopback remote behind a proxy that no_proxy sends direct',
      facts: factsWith({
        config: available([entry('remote.gitea.url', 'http://localhost:3000/r.git')]),
        proxyEnv: { http_proxy: 'http://proxy.corp:3128', NO_PROXY: 'example.com, .localhost' },
      }),
      outcome: 'pass',
    },
    {
      name: 'fails on an http:// remote',
      facts: withConfig(entry('remote.origin.url', 'http://h/r.git')),
      outcome: 'fail',
      mentions: ['remote "origin"', 'http://h/r.git (local)'],
    },
    {
      name: 'fails on a git:// push URL',
      facts: withConfig(entry('remote.up.pushurl', 'GIT://h/r')),
      outcome: 'fail',
      mentions: ['remote "up"'],
    },
  ]);

  // Clean pass 32's twins: names that only look local, and a loopback remote git sends elsewhere.
  test.each([
    ['a name that only starts like localhost', 'http://localhost.evil.com/r.git'],
    ['a DNS name that maps 127.0.0.1', 'http://127.0.0.1.nip.io/r.git'],
    ['a hex spelling of 127.0.0.1', 'http://0x7f.1/r.git'],
    ['a short spelling of 127.0.0.1', 'http://127.1/r.git'],
    ['a user name that reads localhost', 'http://localhost@evil.example/r.git'],
    ['two @ signs', 'http://a@localhost@evil.example/r.git'],
    ['a percent-encoded localhost', 'http://%6cocalhost/r.git'],
    ['a backslash in the authority', 'http://evil.example\\@localhost/r.git'],
  ] as const)('fails on %s: %s', (_what, url) => {
    expect(evaluate(secureRemotes, withConfig(entry('remote.origin.url', url))).outcome).toBe('fail');
  });

  const H = 'http://localhost:3000/r.git';
  test.each([
    ['http.proxy', [entry('http.proxy', 'http://proxy.corp:3128', 'global')], {}, H],
    ['http.<url>.proxy', [entry('http.http://localhost:3000/.proxy', 'socks5://10.0.0.9')], {}, H],
    ['remote.<name>.proxy', [entry('remote.origin.proxy', 'http://proxy.corp:3128')], {}, H],
    ['http_proxy', [], { http_proxy: 'http://proxy.corp:3128' }, H],
    ['ALL_PROXY', [], { ALL_PROXY: 'socks5h://proxy.corp' }, H],
    ['no_proxy (read before NO_PROXY) not naming it', [], { http_proxy: 'http://p:1', no_proxy: '', NO_PROXY: '*' }, H],
    [
      'a no_proxy wildcard inside a list (libcurl: only a lone *)',
      [],
      { http_proxy: 'http://p:1', no_proxy: 'a,*' },
      H,
    ],
    [
      'url.<base>.insteadOf rewriting it',
      [entry('url.http://evil.example/.insteadof', 'http://localhost:3000/', 'global')],
      {},
      H,
    ],
    ['http.curloptResolve', [entry('http.curloptresolve', 'localhost:3000:203.0.113.9')], {}, H],
    ['git:// with core.gitProxy', [entry('core.gitproxy', 'ssh-tunnel', 'global')], {}, 'git://localhost/r.git'],
    ['git:// with GIT_PROXY_COMMAND', [], { GIT_PROXY_COMMAND: '/usr/local/bin/tunnel' }, 'git://127.0.0.1/r.git'],
  ] as const)('fails on a loopback remote git sends elsewhere: %s', (_what, extra, env, url) => {
    const facts = factsWith({
      config: available([entry('remote.origin.url', url), ...extra]),
      proxyEnv: env,
    });
    expect(evaluate(secureRemotes, facts).outcome).toBe('fail');
  });
});

describe('submodule-recursion-safe', () => {
  runTable(submodules, [
    {
      name: 'passes with recursion alone',
      facts: withConfig(entry('submodule.recurse', 'true', 'global')),
      outcome: 'pass',
    },
    {
      name: 'passes with file:// allowed but no recursion',
      facts: withConfig(entry('protocol.file.allow', 'always', 'global')),
      outcome: 'pass',
    },
    {
      name: 'fails with recursion and file:// always allowed',
      facts: withConfig(entry('submodule.recurse', 'true', 'global'), entry('protocol.file.allow', 'always')),
      outcome: 'fail',
      mentions: ['submodule.recurse=true (global)', 'protocol.file.allow=always (local)'],
    },
    {
      name: 'passes when recursion is switched back off',
      facts: withConfig(
        entry('submodule.recurse', 'true', 'global'),
        entry('protocol.file.allow', 'always'),
        entry('submodule.recurse', 'false'),
      ),
      outcome: 'pass',
    },
  ]);
});

describe('signing-programs-not-overridden-locally', () => {
  runTable(signingPrograms, [
    {
      name: 'passes when gpg.program is set globally',
      facts: withConfig(entry('gpg.program', '/usr/bin/gpg2', 'global')),
      outcome: 'pass',
    },
    {
      name: 'fails when gpg.program is set in local config',
      facts: withConfig(entry('gpg.program', './evil.sh')),
      outcome: 'fail',
      mentions: ["gpg.program is set in the repository's local config"],
    },
    {
      name: 'fails when gpg.ssh.program is set in worktree config',
      facts: withConfig(entry('gpg.ssh.program', 'x', 'worktree')),
      outcome: 'fail',
    },
    {
      name: 'fails when the repository names its own allowed signers',
      facts: withConfig(entry('gpg.ssh.allowedsignersfile', '.signers')),
      outcome: 'fail',
    },
    { name: 'passes when a local value is empty', facts: withConfig(entry('gpg.x509.program', '')), outcome: 'pass' },
    {
      name: "passes on the user's own gpg2 by its name in local config",
      facts: withConfig(entry('gpg.program', 'gpg2'), entry('gpg.ssh.program', '/usr/bin/ssh-keygen')),
      outcome: 'pass',
    },
    {
      name: 'fails on a gpg named like the real one in another folder',
      facts: withConfig(entry('gpg.program', './bin/gpg')),
      outcome: 'fail',
    },
  ]);
});

const CHECKOUT_ID = '3f1c9e2a-5b7d-4c1e-9a2b-0c4d6e8fa1b3';
const OTHER_ID = '3f1c9e2a-5b7d-4c1e-9a2b-0c4d6e8fa1b4';
const STRICT = '-o StrictHostKeyChecking=yes -o CheckHostIP=no';

describe('no-code-execution-in-local-config', () => {
  runTable(noCode, [
    {
      name: 'passes when commands are set in global config',
      facts: withConfig(entry('core.sshcommand', 'ssh -i k', 'global'), entry('core.pager', 'less', 'global')),
      outcome: 'pass',
    },
    {
      name: 'passes on core.fsmonitor=true (the built-in daemon)',
      facts: withConfig(entry('core.fsmonitor', 'true')),
      outcome: 'pass',
    },
    { name: 'passes on pager.log=false', facts: withConfig(entry('pager.log', 'false')), outcome: 'pass' },
    {
      name: "passes on the user's own pager and editor by their names",
      facts: withConfig(
        entry('core.pager', 'less -FRX'),
        entry('core.editor', 'code --wait'),
        entry('alias.co', 'checkout'),
      ),
      outcome: 'pass',
    },
    {
      name: 'fails on a shell as the pager and on less running a command',
      facts: withConfig(entry('core.pager', 'sh'), entry('pager.log', "less '+!id'")),
      outcome: 'fail',
    },
    {
      name: 'fails on a shell alias, imap.tunnel and a merge tool given as a path',
      facts: withConfig(
        entry('alias.hi', '!sh x'),
        entry('imap.tunnel', 'nc evil 143'),
        entry('merge.tool', '../../../../tmp/x'),
      ),
      outcome: 'fail',
      mentions: ['alias.hi', 'imap.tunnel', 'source the tool named as a shell script'],
    },
    {
      name: 'fails on shell syntax after a credential helper name',
      facts: withConfig(entry('credential.helper', 'x; id')),
      outcome: 'fail',
    },
    {
      name: 'passes on a plain credential helper name',
      facts: withConfig(entry('credential.helper', 'cache')),
      outcome: 'pass',
    },
    {
      name: 'fails on a core.fsmonitor program in local config',
      facts: withConfig(entry('core.fsmonitor', 'touch /tmp/pwned')),
      outcome: 'fail',
      mentions: ['local config runs a command: core.fsmonitor=touch /tmp/pwned'],
    },
    {
      name: 'fails on core.sshCommand in worktree config',
      facts: withConfig(entry('core.sshcommand', 'sh -c evil', 'worktree')),
      outcome: 'fail',
      mentions: ['worktree'],
    },
    { name: 'fails on a filter driver', facts: withConfig(entry('filter.x.smudge', 'evil')), outcome: 'fail' },
    {
      name: 'passes the filter git lfs install --local writes (actions/checkout with lfs: true)',
      facts: withConfig(
        entry('filter.lfs.clean', 'git-lfs clean -- %f'),
        entry('filter.lfs.smudge', 'git-lfs smudge -- %f'),
        entry('filter.lfs.process', 'git-lfs filter-process'),
        entry('filter.lfs.required', 'true'),
      ),
      outcome: 'pass',
    },
    {
      name: 'fails an lfs filter that runs anything else',
      facts: withConfig(
        entry('filter.lfs.clean', 'git-lfs clean -- %f'),
        entry('filter.lfs.process', 'git-lfs filter-process; sh evil.sh'),
      ),
      outcome: 'fail',
      findings: 1,
      mentions: ['filter.lfs.process'],
    },
    {
      name: "passes the core.sshCommand actions/checkout writes for its ssh-key input (system ssh, the runner's temp files)",
      facts: withConfig(
        entry(
          'core.sshcommand',
          `"/usr/bin/ssh" -i "$RUNNER_TEMP/${CHECKOUT_ID}" ${STRICT} -o "UserKnownHostsFile=$RUNNER_TEMP/${CHECKOUT_ID}_known_hosts"`,
        ),
      ),
      outcome: 'pass',
    },
    {
      name: 'passes the same without ssh-strict',
      facts: withConfig(
        entry(
          'core.sshcommand',
          `"/usr/bin/ssh" -i "$RUNNER_TEMP/${CHECKOUT_ID}" -o "UserKnownHostsFile=$RUNNER_TEMP/${CHECKOUT_ID}_known_hosts"`,
        ),
      ),
      outcome: 'pass',
    },
    {
      name: "fails a checkout-like core.sshCommand with an ssh of the repository's choosing",
      facts: withConfig(
        entry(
          'core.sshcommand',
          `"/tmp/x/ssh" -i "$RUNNER_TEMP/${CHECKOUT_ID}" ${STRICT} -o "UserKnownHostsFile=$RUNNER_TEMP/${CHECKOUT_ID}_known_hosts"`,
        ),
      ),
      outcome: 'fail',
      mentions: ['core.sshcommand'],
    },
    {
      name: 'fails a checkout-like core.sshCommand with a ProxyCommand option',
      facts: withConfig(
        entry(
          'core.sshcommand',
          `"/usr/bin/ssh" -i "$RUNNER_TEMP/${CHECKOUT_ID}" -o ProxyCommand=evil -o "UserKnownHostsFile=$RUNNER_TEMP/${CHECKOUT_ID}_known_hosts"`,
        ),
      ),
      outcome: 'fail',
      mentions: ['core.sshcommand'],
    },
    {
      name: 'fails a checkout-like core.sshCommand with a command after it',
      facts: withConfig(
        entry(
          'core.sshcommand',
          `"/usr/bin/ssh" -i "$RUNNER_TEMP/${CHECKOUT_ID}" -o "UserKnownHostsFile=$RUNNER_TEMP/${CHECKOUT_ID}_known_hosts"; sh evil`,
        ),
      ),
      outcome: 'fail',
      mentions: ['core.sshcommand'],
    },
    {
      name: 'fails a checkout-like core.sshCommand with the known_hosts of another key',
      facts: withConfig(
        entry(
          'core.sshcommand',
          `"/usr/bin/ssh" -i "$RUNNER_TEMP/${CHECKOUT_ID}" -o "UserKnownHostsFile=$RUNNER_TEMP/${OTHER_ID}_known_hosts"`,
        ),
      ),
      outcome: 'fail',
      mentions: ['core.sshcommand'],
    },
    { name: 'fails on a textconv driver', facts: withConfig(entry('diff.pdf.textconv', 'evil')), outcome: 'fail' },
    {
      name: 'fails on a remote upload-pack program',
      facts: withConfig(entry('remote.origin.uploadpack', 'sh -c evil')),
      outcome: 'fail',
    },
    {
      name: 'fails on a shell credential helper',
      facts: withConfig(entry('credential.https://h.helper', '!f() { evil; }; f')),
      outcome: 'fail',
    },
    {
      name: 'fails on sequence.editor, diff.external and core.pager together',
      facts: withConfig(entry('sequence.editor', 'e'), entry('diff.external', 'd'), entry('core.pager', 'p')),
      outcome: 'fail',
      findings: 3,
    },
  ]);
});

describe('object-checks-not-weakened', () => {
  runTable(objectChecks, [
    {
      name: 'passes with no per-check settings',
      facts: withConfig(entry('transfer.fsckobjects', 'true', 'global')),
      outcome: 'pass',
    },
    {
      name: 'passes when a check is raised to error',
      facts: withConfig(entry('receive.fsck.missingemail', 'error')),
      outcome: 'pass',
    },
    {
      name: 'fails when a check is ignored on fetch',
      facts: withConfig(entry('fetch.fsck.badtree', 'ignore', 'global')),
      outcome: 'fail',
      mentions: ['badtree is downgraded to ignore on fetch'],
    },
    {
      name: 'fails when a transfer check is downgraded to warn',
      facts: withConfig(entry('transfer.fsck.gitmodulesurl', 'warn')),
      outcome: 'fail',
      mentions: ['fetch and receive'],
    },
    {
      name: "passes on git fsck's own settings in the user's global config",
      facts: withConfig(entry('fsck.missingemail', 'ignore', 'global')),
      outcome: 'pass',
    },
    {
      name: "fails on git fsck's settings in the repository's config",
      facts: withConfig(entry('fsck.missingemail', 'ignore'), entry('fsck.skiplist', '.git/skip', 'worktree')),
      outcome: 'fail',
      mentions: ['downgraded to ignore on git fsck', 'never checked'],
    },
    {
      name: 'fails on a skip list',
      facts: withConfig(entry('receive.fsck.skiplist', '/srv/skip')),
      outcome: 'fail',
      mentions: ['never checked'],
    },
  ]);
});

describe('signing-enabled-when-required', () => {
  const policy = policyWith({ signers: [] });
  const withPolicy = (p: typeof policy | undefined, ...entries: ReturnType<typeof entry>[]) =>
    factsWith({ config: available(entries), policy: available(p) });
  runTable(signingRequired, [
    {
      name: 'is not applicable without a policy',
      facts: withPolicy(undefined, entry('commit.gpgsign', 'false', 'global')),
      outcome: 'not-applicable',
    },
    {
      name: 'is not applicable when the policy does not require signatures',
      facts: withPolicy({ ...policy, requireSignatures: false }, entry('commit.gpgsign', 'false')),
      outcome: 'not-applicable',
    },
    {
      name: 'passes when commit.gpgSign is on',
      facts: withPolicy(policy, entry('commit.gpgsign', 'true', 'global')),
      outcome: 'pass',
    },
    {
      name: 'warns when commit.gpgSign is unset',
      facts: withPolicy(policy),
      outcome: 'warn',
      mentions: ['git config commit.gpgSign true'],
    },
    {
      name: 'passes when commit.gpgSign is unset in a bare repository (nobody commits there)',
      facts: (() => {
        const f = withPolicy(policy);
        return { ...f, repository: { ...f.repository, bare: true, workTree: undefined } };
      })(),
      outcome: 'pass',
    },
    {
      name: 'fails when commit.gpgSign is off',
      facts: withPolicy(policy, entry('commit.gpgsign', 'false', 'global')),
      outcome: 'fail',
      mentions: ['commit.gpgSign=false (global)'],
    },
    {
      name: 'fails when tag.gpgSign is off',
      facts: withPolicy(policy, entry('commit.gpgsign', 'true'), entry('tag.gpgsign', 'no')),
      outcome: 'fail',
      mentions: ['tag.gpgSign=no'],
    },
    {
      name: 'is not available when the policy could not be read',
      facts: factsWith({ policy: unavailable('bad policy') }),
      outcome: 'not-available',
    },
  ]);
});

const hook = (name: string, marker: HookInfo['marker'], executable = true): HookInfo => ({
  name,
  path: `/r/.git/hooks/${name}`,
  executable,
  marker,
});
const withHooks = (hooks: HookInfo[], over: Partial<HooksFacts> = {}, ...entries: ReturnType<typeof entry>[]) =>
  factsWith({
    config: available(entries),
    hooks: available({ dir: '/r/.git/hooks', source: 'default', hooks, ...over }),
  });

describe('hooks-not-disabled', () => {
  const hp = (v: string, scope: 'local' | 'global' = 'local') => entry('core.hookspath', v, scope);
  runTable(hooksNotDisabled, [
    { name: 'passes with the default hooks folder', facts: withHooks([]), outcome: 'pass' },
    {
      name: 'passes when core.hooksPath points at a folder with hooks',
      facts: withHooks(
        [hook('pre-commit', 'absent')],
        { dir: '/r/.githooks', source: 'core.hooksPath (local)' },
        hp('.githooks'),
      ),
      outcome: 'pass',
    },
    {
      name: 'fails when core.hooksPath is /dev/null',
      facts: withHooks([], { dir: '/dev/null', source: 'core.hooksPath (global)' }, hp('/dev/null', 'global')),
      outcome: 'fail',
      mentions: ['core.hooksPath=/dev/null (global): every hook is switched off'],
    },
    {
      name: 'fails when core.hooksPath is empty (git runs no hook, it does not fall back to .git/hooks)',
      facts: withHooks([], { dir: '', source: 'core.hooksPath (local)' }, hp('')),
      outcome: 'fail',
      mentions: ['core.hooksPath is empty (local): git runs no hook'],
    },
    {
      name: 'fails when core.hooksPath points at an empty folder',
      facts: withHooks([], { dir: '/tmp/empty', source: 'core.hooksPath (local)' }, hp('/tmp/empty')),
      outcome: 'fail',
      mentions: ['holds no hooks'],
    },
    {
      name: "fails when core.hooksPath points away from gitguard's hook in .git/hooks",
      facts: withHooks(
        [hook('pre-commit', 'absent')],
        { dir: '/r/.githooks', source: 'core.hooksPath (local)', bypassed: [hook('pre-push', 'valid')] },
        hp('.githooks'),
      ),
      outcome: 'fail',
      mentions: ["points away from gitguard's pre-push hook in /r/.git/hooks/pre-push"],
    },
    {
      name: 'is not available without hook facts',
      facts: factsWith({ hooks: unavailable('nope') }),
      outcome: 'not-available',
    },
  ]);
});

describe('gitguard-hook-installed', () => {
  runTable(hookInstalled, [
    {
      name: 'passes when the pre-push hook carries a valid marker',
      facts: withHooks([hook('pre-push', 'valid')]),
      outcome: 'pass',
    },
    {
      name: 'warns (missing hardening) when there is no pre-push hook',
      facts: withHooks([hook('pre-commit', 'absent')]),
      outcome: 'warn',
      mentions: ['gitguard hook install'],
    },
    {
      name: "warns when a pre-push hook is someone else's",
      facts: withHooks([hook('pre-push', 'absent')]),
      outcome: 'warn',
      mentions: ["not gitguard's"],
    },
    {
      name: "passes when a hook manager's pre-push hook runs gitguard from the manager's file",
      facts: withHooks([
        { ...hook('pre-push', 'absent'), manager: { name: 'husky', config: '/r/.husky/pre-push', gitguard: 'line 2' } },
      ]),
      outcome: 'pass',
    },
    {
      name: "warns, naming the manager's file, when a hook manager's pre-push hook does not run gitguard",
      facts: withHooks([{ ...hook('pre-push', 'absent'), manager: { name: 'lefthook', config: '/r/lefthook.yml' } }]),
      outcome: 'warn',
      mentions: ["lefthook's, which does not run gitguard", '/r/lefthook.yml'],
    },
    {
      name: 'fails when the hook was modified after install',
      facts: withHooks([hook('pre-push', 'modified')]),
      outcome: 'fail',
      mentions: ['modified'],
    },
    {
      name: 'fails when the hook is not executable',
      facts: withHooks([hook('pre-push', 'valid', false)]),
      outcome: 'fail',
      mentions: ['not executable'],
    },
    {
      name: 'is not applicable on a bare repository',
      facts: factsWith({ repository: { ...factsWith().repository, bare: true } }),
      outcome: 'not-applicable',
    },
  ]);
});

describe('server-receive-hardened', () => {
  const server = (...entries: ReturnType<typeof entry>[]) => factsWith({ config: available(entries), server: true });
  runTable(serverReceive, [
    {
      name: 'is not applicable to a work-tree repository without --server',
      facts: withConfig(),
      outcome: 'not-applicable',
    },
    {
      name: 'fails on git defaults, one finding per setting',
      facts: server(),
      outcome: 'fail',
      findings: 3,
      mentions: ['receive.denynonfastforwards is not set'],
    },
    {
      name: 'passes when all three are on',
      facts: server(
        entry('receive.denynonfastforwards', 'true'),
        entry('receive.denydeletes', 'true'),
        entry('receive.fsckobjects', 'true'),
      ),
      outcome: 'pass',
    },
    {
      name: 'accepts transfer.fsckObjects for receive',
      facts: server(
        entry('receive.denynonfastforwards', 'true'),
        entry('receive.denydeletes', 'true'),
        entry('transfer.fsckobjects', 'true', 'global'),
      ),
      outcome: 'pass',
    },
    {
      name: 'is not applicable to a mirror clone (remote.<name>.mirror in its own config)',
      facts: server(entry('remote.origin.mirror', 'true')),
      outcome: 'not-applicable',
    },
    {
      name: 'judges a mirror clone when --server asks for it',
      facts: { ...server(entry('remote.origin.mirror', 'true')), serverRequested: true },
      outcome: 'fail',
      findings: 3,
    },
    {
      name: 'a mirror setting switched off again, or from the global config, keeps it a server',
      facts: server(
        entry('remote.origin.mirror', 'true'),
        entry('remote.origin.mirror', 'false'),
        entry('remote.up.mirror', 'true', 'global'),
      ),
      outcome: 'fail',
      findings: 3,
    },
    {
      name: 'fails when denyDeletes is explicitly off',
      facts: server(
        entry('receive.denynonfastforwards', 'true'),
        entry('receive.denydeletes', 'false'),
        entry('receive.fsckobjects', 'true'),
      ),
      outcome: 'fail',
      findings: 1,
      mentions: ['receive.denydeletes=false (local)'],
    },
  ]);
});

describe('server-hook-installed', () => {
  const server = (hooks: HookInfo[]) => ({ ...withHooks(hooks), server: true });
  runTable(serverHook, [
    {
      name: 'is not applicable to a work-tree repository without --server',
      facts: withHooks([]),
      outcome: 'not-applicable',
    },
    { name: "passes with gitguard's pre-receive hook", facts: server([hook('pre-receive', 'valid')]), outcome: 'pass' },
    { name: 'fails without a pre-receive hook', facts: server([]), outcome: 'fail', mentions: ['accepted unchecked'] },
    {
      name: "fails with a pre-receive hook that is not gitguard's",
      facts: server([hook('pre-receive', 'absent')]),
      outcome: 'fail',
    },
    {
      name: 'fails with a modified hook',
      facts: server([hook('pre-receive', 'modified')]),
      outcome: 'fail',
      mentions: ['modified'],
    },
  ]);

  test('a config finding on a server names key, scope and file', () => {
    const ev = evaluate(
      serverReceive,
      factsWith({ server: true, config: available([entry('receive.denydeletes', 'false', 'global')]) }),
    );
    expect(ev.findings?.find((f) => f.evidence?.key === 'receive.denydeletes')).toMatchObject({
      file: '/home/u/.gitconfig',
      evidence: { scope: 'global', value: 'false' },
    });
  });
});
