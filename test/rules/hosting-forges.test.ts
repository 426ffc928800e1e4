// Which forges may host a repository (ci-gate-kept counts a lost gate only for them): the pure choice
// over the remotes' hosts and the CI job's variables. test/cli/forges69-hosting-forges.test.ts runs it
// over real repositories.
import { hostingForges, runnersOfEnv } from '../../src/domain/ci-systems.js';

describe('hostingForges', () => {
  test.each<[string, Array<string | undefined>, string[], string[] | undefined]>([
    ['github.com only', ['github.com', 'github.com'], [], ['GitHub Actions']],
    ['github.com and codeberg.org', ['codeberg.org', 'github.com'], [], ['GitHub Actions', 'Forgejo Actions']],
    ['gitlab.com in a GitLab job', ['gitlab.com'], ['GitLab CI/CD'], ['GitLab CI/CD']],
    ['gitlab.com in a GitHub job', ['gitlab.com'], ['GitHub Actions'], ['GitHub Actions', 'GitLab CI/CD']],
    ['gitea.com', ['gitea.com'], [], ['Gitea Actions']],
    ['a self-hosted host beside github.com', ['github.com', 'git.example.org'], [], undefined],
    ['a path remote', ['github.com', undefined], [], undefined],
    ['no remote, in a GitHub job', [], ['GitHub Actions'], undefined],
    ['a host named like an Object property', ['constructor'], [], undefined],
  ])('%s', (_, hosts, env, want) => expect(hostingForges(hosts, env).runners).toEqual(want));
});

describe('runnersOfEnv', () => {
  test.each<[Record<string, string>, string[]]>([
    [{ GITHUB_ACTIONS: 'true' }, ['GitHub Actions']],
    [{ GITLAB_CI: 'true' }, ['GitLab CI/CD']],
    // Forgejo's and Gitea's runners set GITHUB_ACTIONS too: the most specific one names the forge.
    [{ FORGEJO_ACTIONS: 'true', GITEA_ACTIONS: 'true', GITHUB_ACTIONS: 'true' }, ['Forgejo Actions']],
    [{ GITEA_ACTIONS: 'true', GITHUB_ACTIONS: 'true' }, ['Gitea Actions']],
    [{ GITHUB_ACTIONS: 'false', CI: 'true' }, []],
  ])('%o', (env, want) => expect(runnersOfEnv(env)).toEqual(want));
});
