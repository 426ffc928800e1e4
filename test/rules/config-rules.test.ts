// Pass/fail tables for the protections rules that read git config, over hand-built entries.
import fsck from '../../src/rules/fsck-objects-enabled.js';
import safeDir from '../../src/rules/safe-directory-not-wildcard.js';
import tls from '../../src/rules/tls-verification-enabled.js';
import ntfsHfs from '../../src/rules/ntfs-hfs-protection-enabled.js';
import remoteCreds, { urlHasCredentials } from '../../src/rules/remote-urls-without-credentials.js';
import credStore from '../../src/rules/credentials-not-stored-in-plaintext.js';
import { unavailable } from '../../src/domain/model.js';
import { entry, evaluate, factsWith, runTable, withConfig } from '../helpers/facts.js';

describe('fsck-objects-enabled', () => {
  runTable(fsck, [
    {
      name: 'passes when transfer.fsckObjects is on',
      facts: withConfig(entry('transfer.fsckobjects', 'true', 'global')),
      outcome: 'pass',
    },
    {
      name: 'passes when fetch and receive are each on',
      facts: withConfig(entry('fetch.fsckobjects', 'yes'), entry('receive.fsckobjects', '1')),
      outcome: 'pass',
    },
    { name: 'warns (missing hardening) when nothing is set', facts: withConfig(), outcome: 'warn' },
    {
      name: 'fails when transfer.fsckObjects is switched off',
      facts: withConfig(entry('transfer.fsckobjects', 'false', 'global')),
      outcome: 'fail',
      mentions: ['transfer.fsckobjects=false (global)'],
    },
    {
      name: 'fails when fetch.fsckObjects overrides transfer in local config',
      facts: withConfig(entry('transfer.fsckobjects', 'true', 'global'), entry('fetch.fsckobjects', 'off')),
      outcome: 'fail',
      mentions: ['fetch.fsckobjects=off (local)'],
    },
    {
      name: 'passes when a later scope switches it back on',
      facts: withConfig(
        entry('transfer.fsckobjects', 'false', 'system'),
        entry('transfer.fsckobjects', 'true', 'global'),
      ),
      outcome: 'pass',
    },
    {
      name: 'is not available without config facts',
      facts: factsWith({ config: unavailable('boom') }),
      outcome: 'not-available',
    },
  ]);

  test('a finding names key, value, scope and file', () => {
    const ev = evaluate(fsck, withConfig(entry('receive.fsckobjects', 'false', 'global', '/home/u/.gitconfig')));
    expect(ev.findings?.[0]).toMatchObject({
      file: '/home/u/.gitconfig',
      evidence: { key: 'receive.fsckobjects', value: 'false', scope: 'global' },
    });
  });
});

describe('safe-directory-not-wildcard', () => {
  runTable(safeDir, [
    {
      name: 'passes with specific safe directories',
      facts: withConfig(entry('safe.directory', '/srv/repo', 'global')),
      outcome: 'pass',
    },
    {
      name: 'fails when the global config trusts every directory',
      facts: withConfig(entry('safe.directory', '*', 'global')),
      outcome: 'fail',
      mentions: ['safe.directory=* in global config'],
    },
    {
      name: 'fails when the system config trusts every directory',
      facts: withConfig(entry('safe.directory', '*', 'system', '/etc/gitconfig')),
      outcome: 'fail',
    },
    {
      name: 'passes when an empty value later resets the list',
      facts: withConfig(entry('safe.directory', '*', 'system'), entry('safe.directory', '', 'global')),
      outcome: 'pass',
    },
    {
      name: 'ignores a wildcard in repository-local config, as git does',
      facts: withConfig(entry('safe.directory', '*', 'local')),
      outcome: 'pass',
    },
  ]);
});

describe('tls-verification-enabled', () => {
  runTable(tls, [
    { name: 'passes when sslVerify is not set', facts: withConfig(), outcome: 'pass' },
    {
      name: 'passes when sslVerify is explicitly true',
      facts: withConfig(entry('http.sslverify', 'true')),
      outcome: 'pass',
    },
    {
      name: 'fails when http.sslVerify=false',
      facts: withConfig(entry('http.sslverify', 'false', 'global')),
      outcome: 'fail',
      mentions: ['every HTTPS remote'],
    },
    {
      name: 'fails when one URL has sslVerify off',
      facts: withConfig(entry('http.https://git.example.com/.sslverify', 'false')),
      outcome: 'fail',
      mentions: ['https://git.example.com/'],
    },
    {
      name: 'passes when a later scope turns it back on',
      facts: withConfig(entry('http.sslverify', 'false', 'global'), entry('http.sslverify', 'true', 'local')),
      outcome: 'pass',
    },
    {
      name: 'fails when the CA git trusts is a file of the work tree (relative: read from its top)',
      facts: withConfig(entry('http.sslcainfo', 'certs/ca.pem', 'local')),
      outcome: 'fail',
      mentions: ['is in the work tree', 'http.sslcainfo=certs/ca.pem (local)'],
    },
    {
      name: 'fails when one URL trusts a CA folder of the work tree, by its absolute path',
      facts: withConfig(entry('http.https://git.example.com/.sslcapath', '/r/./certs', 'global')),
      outcome: 'fail',
      mentions: ['https://git.example.com/'],
    },
    {
      name: 'passes with a private CA outside the work tree (absolute, in HOME, in .git, beside the tree)',
      facts: withConfig(
        entry('http.sslcainfo', '/etc/ssl/corp.pem', 'local'),
        entry('http.https://a.example/.sslcainfo', '~/ca.pem', 'local'),
        entry('http.https://b.example/.sslcapath', '/r/.git/cas', 'local'),
        entry('http.https://c.example/.sslcainfo', '/r2/ca.pem', 'local'),
      ),
      outcome: 'pass',
    },
    {
      name: 'fails where git opens the CA in the work tree (~/ with HOME above it, a link into it)',
      facts: withConfig(
        { ...entry('http.sslcainfo', '~/r/certs/ca.pem', 'global'), opens: '/r/certs/ca.pem' },
        { ...entry('http.https://a.example/.sslcainfo', '/etc/ssl/ours.pem', 'local'), opens: '/r/ca.pem' },
      ),
      outcome: 'fail',
      mentions: ['~/r/certs/ca.pem', 'https://a.example/'],
    },
    {
      name: 'passes where git opens the CA outside the work tree (a link out of /etc/ssl)',
      facts: withConfig({ ...entry('http.sslcainfo', '/etc/ssl/ours.pem', 'local'), opens: '/usr/share/ca/ours.pem' }),
      outcome: 'pass',
    },
    {
      name: 'passes in a bare repository (no work tree)',
      facts: factsWith({
        repository: { path: '/r', gitDir: '/r', commonDir: '/r', bare: true, shallow: false, objectFormat: 'sha1' },
        config: { ok: true, value: [entry('http.sslcainfo', 'ca.pem', 'local')] },
      }),
      outcome: 'pass',
    },
    {
      name: 'passes where a later value points out of the work tree',
      facts: withConfig(entry('http.sslcainfo', 'ca.pem', 'local'), entry('http.sslcainfo', '/etc/ca.pem', 'worktree')),
      outcome: 'pass',
    },
  ]);
});

describe('ntfs-hfs-protection-enabled', () => {
  runTable(ntfsHfs, [
    {
      name: 'passes when both are on',
      facts: withConfig(entry('core.protectntfs', 'true'), entry('core.protecthfs', 'true')),
      outcome: 'pass',
    },
    {
      name: 'warns on linux when protectHFS is unset',
      facts: withConfig(entry('core.protectntfs', 'true')),
      outcome: 'warn',
      mentions: ['core.protectHFS'],
    },
    {
      name: 'passes on macOS where protectHFS defaults on',
      facts: factsWith({ ...withConfig(), platform: 'macos' }),
      outcome: 'pass',
    },
    {
      name: 'fails when protectNTFS is off',
      facts: withConfig(entry('core.protectntfs', 'false')),
      outcome: 'fail',
      mentions: ['core.protectNTFS is switched off'],
    },
    {
      name: 'fails when protectHFS is off',
      facts: withConfig(entry('core.protecthfs', 'no', 'global')),
      outcome: 'fail',
      mentions: ['core.protectHFS'],
    },
  ]);
});

describe('remote-urls-without-credentials', () => {
  test("the note counts the URLs that carry the GitLab job's own token, never showing it", () => {
    const ev = evaluate(
      remoteCreds,
      {
        ...withConfig(entry('remote.origin.url', 'https://gitlab-ci-token:glcbt-64_job123@gitlab.example.com/g/r.git')),
        ciJobToken: 'glcbt-64_job123',
      },
      [],
    );
    expect(ev.note).toContain("1 remote URL(s) carry this GitLab CI job's own CI_JOB_TOKEN");
    expect(JSON.stringify(ev)).not.toContain('glcbt-64_job123');
  });
  runTable(remoteCreds, [
    {
      name: 'passes on plain https and ssh remotes',
      facts: withConfig(
        entry('remote.origin.url', 'https://github.com/o/r.git'),
        entry('remote.up.url', 'ssh://git@host/r.git'),
        entry('remote.x.url', 'git@github.com:o/r.git'),
      ),
      outcome: 'pass',
    },
    {
      name: 'passes on a user name without a secret',
      facts: withConfig(entry('remote.origin.url', 'https://alice@example.com/r.git')),
      outcome: 'pass',
    },
    {
      name: 'fails on user:password and hides the password',
      facts: withConfig(entry('remote.origin.url', 'https://bob:hunter2@example.com/r.git')),
      outcome: 'fail',
      mentions: ['https://bob:***@example.com/r.git'],
    },
    {
      name: 'fails on a bare GitHub token as user',
      facts: withConfig(entry('remote.origin.pushurl', 'https://ghp_abcdef0123@github.com/o/r')),
      outcome: 'fail',
    },
    {
      name: "passes the GitLab runner's checkout URL carrying this job's own CI_JOB_TOKEN, and says so",
      facts: {
        ...withConfig(entry('remote.origin.url', 'https://gitlab-ci-token:glcbt-64_job123@gitlab.example.com/g/r.git')),
        ciJobToken: 'glcbt-64_job123',
      },
      outcome: 'pass',
    },
    {
      name: 'fails a gitlab-ci-token URL whose token is not this job’s (a stale or planted one), or outside a job',
      facts: {
        ...withConfig(
          entry('remote.origin.url', 'https://gitlab-ci-token:glcbt-64_old@gitlab.example.com/g/r.git'),
          entry('remote.up.url', 'https://gitlab-ci-token:glcbt-64_job123@gitlab.example.com/g/r.git', 'global'),
        ),
        ciJobToken: 'glcbt-64_job123',
      },
      outcome: 'fail',
      findings: 2,
    },
    {
      name: 'fails on credentials in an insteadOf rewrite key',
      facts: withConfig(entry('url.https://ci:tok3n@git.example.com/.insteadof', 'https://git.example.com/')),
      outcome: 'fail',
    },
  ]);

  test('never puts the secret in any finding field', () => {
    const ev = evaluate(
      remoteCreds,
      withConfig(entry('url.https://ci:tok3n@git.example.com/.insteadof', 'https://x:s3cret@h/')),
    );
    // The finding is there, with both URLs redacted in place; only then does the absence below mean anything.
    expect(ev.outcome).toBe('fail');
    expect(ev.findings?.map((f) => [f.message, f.evidence])).toEqual([
      [
        expect.stringContaining('https://x:***@h/'),
        expect.objectContaining({ key: 'url.https://ci:***@git.example.com/.insteadof', value: 'https://x:***@h/' }),
      ],
    ]);
    expect(JSON.stringify(ev)).not.toMatch(/tok3n|s3cret/);
  });

  test.each([
    ['https://u:p@h/', true],
    ['https://u:@h/', false],
    ['https://glpat-xyz@gitlab.com/r', true],
    ['https://h/a@b', false],
    ['git@github.com:o/r.git', false],
    ['https://user@x:secret@h/r', true], // the userinfo runs to the last "@" before the path
  ])('urlHasCredentials(%s) is %s', (url, expected) => {
    expect(urlHasCredentials(url)).toBe(expected);
  });
});

describe('credentials-not-stored-in-plaintext', () => {
  runTable(credStore, [
    {
      name: 'passes with an encrypting helper',
      facts: withConfig(entry('credential.helper', 'cache --timeout=3600', 'global')),
      outcome: 'pass',
    },
    {
      name: 'fails with the store helper',
      facts: withConfig(entry('credential.helper', 'store', 'global')),
      outcome: 'fail',
      mentions: ['credential.helper=store (global)'],
    },
    {
      name: 'fails with store --file for one URL',
      facts: withConfig(entry('credential.https://example.com.helper', 'store --file ~/.creds')),
      outcome: 'fail',
    },
    {
      name: 'passes when an empty value resets the list',
      facts: withConfig(
        entry('credential.helper', 'store', 'system'),
        entry('credential.helper', '', 'global'),
        entry('credential.helper', 'cache', 'global'),
      ),
      outcome: 'pass',
    },
  ]);
});
