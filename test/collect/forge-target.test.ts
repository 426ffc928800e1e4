import { parseRemote } from '../../src/domain/forge.js';
import { graphqlFor, resolveTarget } from '../../src/collect/forge/target.js';
import { redact, registerSecret } from '../../src/collect/forge/redact.js';
import { refPattern, gitlabPattern } from '../../src/domain/forge.js';
import { forgeScope } from '../../src/collect/forge/scope.js';
import { waitFor } from '../../src/collect/forge/http.js';

describe('forge target', () => {
  test.each([
    ['https://github.com/acme/app.git', { host: 'github.com', path: 'acme/app' }],
    ['https://user:pw@github.com/acme/app', { host: 'github.com', path: 'acme/app' }],
    ['ssh://git@gitlab.example.com:2222/group/sub/app.git', { host: 'gitlab.example.com', path: 'group/sub/app' }],
    ['git@github.com:acme/app.git', { host: 'github.com', path: 'acme/app' }],
    ['/srv/git/app.git', undefined],
  ])('parseRemote(%s)', (url, want) => expect(parseRemote(url)).toEqual(want));

  test('GraphQL is derived as GitHub does', () => {
    expect(graphqlFor('https://api.github.com')).toBe('https://api.github.com/graphql');
    expect(graphqlFor('https://ghe.example.com/api/v3')).toBe('https://ghe.example.com/api/graphql');
  });

  test('flags, then CI variables, then origin', () => {
    expect(resolveTarget({ kind: 'auto' }, { GITHUB_TOKEN: 't1' }, 'git@github.com:acme/app.git')).toEqual({
      kind: 'github',
      repo: 'acme/app',
      api: 'https://api.github.com',
      graphql: 'https://api.github.com/graphql',
      token: 't1',
    });
    expect(
      resolveTarget(
        { kind: 'auto' },
        { GITHUB_REPOSITORY: 'o/r', GITHUB_API_URL: 'https://ghe.example.com/api/v3', GH_TOKEN: 't2' },
        undefined,
      ),
    ).toMatchObject({ kind: 'github', repo: 'o/r', graphql: 'https://ghe.example.com/api/graphql', token: 't2' });
    expect(
      resolveTarget(
        { kind: 'auto' },
        { GITHUB_API_URL: 'https://g.example.com/api/v3', GITHUB_GRAPHQL_URL: 'https://g.example.com/gql' },
        'https://github.com/a/b',
      ),
    ).toMatchObject({ graphql: 'https://g.example.com/gql' });
    // Another host than the API's is not followed with the token.
    expect(
      resolveTarget(
        { kind: 'github', repo: 'a/b', url: 'https://ghe.example.com/api/v3' },
        { GITHUB_GRAPHQL_URL: 'https://api.github.com/graphql' },
        undefined,
      ),
    ).toMatchObject({ graphql: 'https://ghe.example.com/api/graphql' });
    expect(
      resolveTarget(
        { kind: 'auto' },
        { CI_PROJECT_PATH: 'g/s/p', CI_API_V4_URL: 'https://gl.example.com/api/v4', CI_JOB_TOKEN: 'j' },
        undefined,
      ),
    ).toEqual({
      kind: 'gitlab',
      repo: 'g/s/p',
      api: 'https://gl.example.com/api/v4',
      token: 'j',
      tokenHeader: 'JOB-TOKEN',
    });
    expect(
      resolveTarget({ kind: 'gitlab', repo: 'a/b' }, { GITLAB_TOKEN: 'p', CI_JOB_TOKEN: 'j' }, undefined),
    ).toMatchObject({ api: 'https://gitlab.com/api/v4', token: 'p', tokenHeader: 'PRIVATE-TOKEN' });
    expect(resolveTarget({ kind: 'auto' }, {}, 'git@gitlab.example.com:team/app.git')).toMatchObject({
      kind: 'gitlab',
      api: 'https://gitlab.example.com/api/v4',
    });
  });

  test('refuses what would leak the token or cannot be told', () => {
    expect(() => resolveTarget({ kind: 'github', repo: 'a/b', url: 'http://api.example.com' }, {}, undefined)).toThrow(
      /https/,
    );
    expect(() =>
      resolveTarget({ kind: 'github', repo: 'a/b', url: 'https://u:p@api.example.com' }, {}, undefined),
    ).toThrow(/credentials/);
    expect(() => resolveTarget({ kind: 'auto' }, {}, 'https://example.org/a/b')).toThrow(
      /cannot tell which forge hosts example.org/,
    );
    expect(() => resolveTarget({ kind: 'github' }, {}, undefined)).toThrow(/cannot tell which repository/);
    expect(() => resolveTarget({ kind: 'gitlab', repo: 'a/b', url: 'https://gl.example.com' }, {}, undefined)).toThrow(
      /api\/v4/,
    );
  });

  test('redaction removes the token and credentials wherever they are', () => {
    registerSecret('tok_abcdef123');
    expect(redact('GET https://x:tok_abcdef123@h/p failed; Authorization: token tok_abcdef123')).not.toContain(
      'tok_abcdef123',
    );
    expect(redact('{"private-token":"zzz"}')).toBe('{"private-token":"***"}');
  });

  test('patterns, scope and waits', () => {
    expect(refPattern('refs/heads/release/*').test('refs/heads/release/1')).toBe(true);
    expect(refPattern('refs/heads/release/*').test('refs/heads/release/1/x')).toBe(false);
    expect(refPattern('refs/tags/*').test('refs/tags/v*')).toBe(true);
    expect(refPattern('refs/tags/v*').test('refs/tags/*')).toBe(false);
    expect(gitlabPattern('release-*').test('release-1/x')).toBe(true);
    expect(forgeScope([])).toEqual({ branchPatterns: [], tagPatterns: ['refs/tags/**'] });
    expect(forgeScope(['refs/heads/main', 'refs/heads/release/*'])).toEqual({
      branchPatterns: ['refs/heads/main', 'refs/heads/release/*'],
      tagPatterns: [],
    });
    expect(waitFor({ 'retry-after': '3' })).toBe(3);
    expect(waitFor({ 'x-ratelimit-reset': '1010' }, 1_000_000)).toBe(10);
    expect(waitFor({})).toBeUndefined();
  });
});

describe('policy forge section', () => {
  const parse = async (yml: string) =>
    (await import('../../src/collect/policy.js')).parsePolicy({
      label: '.gitguard',
      policyYml: yml,
      keys: [],
      allowedSigners: undefined,
    });

  test('defaults, values, and strict errors', async () => {
    expect((await parse('version: 1\n'))!.forge).toEqual({
      minApprovals: 1,
      requiredStatusChecks: [],
      requireSignatures: true,
    });
    expect(
      (await parse(
        'version: 1\nrequire_signatures: false\nforge:\n  min_approvals: 2\n  required_status_checks: [build, gitguard]\n',
      ))!.forge,
    ).toEqual({ minApprovals: 2, requiredStatusChecks: ['build', 'gitguard'], requireSignatures: false });
    await expect(parse('version: 1\nforge:\n  min_aprovals: 2\n')).rejects.toThrow(
      '.gitguard/policy.yml: forge: unknown key "min_aprovals"',
    );
    await expect(parse('version: 1\nforge:\n  min_approvals: 11\n')).rejects.toThrow(
      'forge.min_approvals: must be a whole number from 0 to 10',
    );
    await expect(parse('version: 1\nforge:\n  required_status_checks: build\n')).rejects.toThrow(
      'forge.required_status_checks: must be a list',
    );
  });

  test('the policy gitguard init proposes parses and carries the forge defaults', async () => {
    const { renderPolicy } = await import('../../src/engine/init-policy-file.js');
    const yml = renderPolicy({ signers: [], maintainers: [], date: '2026-01-01' });
    expect(yml).toContain('forge:\n  min_approvals: 1');
    expect((await parse(yml))!.forge).toEqual({ minApprovals: 1, requiredStatusChecks: [], requireSignatures: true });
  });
});
