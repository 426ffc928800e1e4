// client.min_versions in .gitguard/policy.yml: parsed strictly like the rest of the policy.
import { parsePolicy, PolicyError } from '../../src/collect/policy.js';

const parse = (yml: string) =>
  parsePolicy({ label: '.gitguard at test', policyYml: yml, keys: [], allowedSigners: undefined });

describe('policy client.min_versions', () => {
  test('reads the minimum version of each named tool as written', async () => {
    const p = await parse(
      'version: 1\nrequire_signatures: false\nclient:\n  min_versions:\n    git: 2.45.1\n    gpg: "2.4.0"\n    ssh: 9.6p1\n    git-lfs: 3.6.1\n',
    );
    expect(p?.client?.minVersions).toEqual({ git: '2.45.1', gpg: '2.4.0', ssh: '9.6p1', 'git-lfs': '3.6.1' });
  });

  test('leaves client out when the policy does not set it', async () => {
    const p = await parse('version: 1\nrequire_signatures: false\n');
    expect(p?.client).toBeUndefined();
  });

  test.each([
    ['an unknown tool', 'client:\n  min_versions:\n    svn: 1.14.0\n', /unknown key "?svn"?/],
    ['an unknown key under client', 'client:\n  max_versions: {}\n', /unknown key "?max_versions"?/],
    ['a version YAML reads as a number', 'client:\n  min_versions:\n    gpg: 2.40\n', /quote it/],
    ['something that is not a version', 'client:\n  min_versions:\n    git: latest\n', /is not a version/],
  ])('rejects %s', async (_name, yml, message) => {
    await expect(parse(`version: 1\nrequire_signatures: false\n${yml}`)).rejects.toThrow(PolicyError);
    await expect(parse(`version: 1\nrequire_signatures: false\n${yml}`)).rejects.toThrow(message);
  });
});
