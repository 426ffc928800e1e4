// Red-team round 17: secrets in installed dependency trees (node_modules/, site-packages/, a
// virtualenv's lib/) are suppressed as the package author's, as gitleaks' global allowlist does. Two
// kinds were suppressed that no package author published: a file a package manager never installs
// from a package (npm never packs `.npmrc`: one under node_modules/ was put there by this project, with
// its registry token), and a token whose checksum is valid (GitHub, npm: a checksum is never an example
// or a fixture's random text; it is a live credential this repository now republishes). Clean twin:
// a vendored package's private key (a TLS library's test fixture) stays suppressed.
import { cleanupTemp, makeRepo } from '../helpers/repo.js';
import { parseJson, resultOf, runMain, type JsonFinding } from '../helpers/cli.js';
import { TokenFactory, privateKeys } from '../helpers/secrets.js';

afterAll(cleanupTemp);

const scan = async (files: Record<string, string>) => {
  const r = makeRepo();
  r.commit('add', files);
  const res = await runMain(['audit', '-C', r.dir, '--format', 'json', '--no-cache', '-r', 'secrets-not-in-history'], {
    env: r.env,
  });
  const report = parseJson(res);
  const findings = (resultOf(report, 'secrets-not-in-history').findings ?? []) as Array<
    JsonFinding & { suppressedBy?: string }
  >;
  return {
    code: res.code,
    open: findings.filter((f) => !f.suppressedBy).map((f) => f.file),
    suppressed: findings.filter((f) => f.suppressedBy).map((f) => f.file),
  };
};

const f = new TokenFactory(17);

test("the project's .npmrc committed under node_modules/ (npm never packs one): its registry password fails", async () => {
  // A registry URL's password (no checksum): only the file's name tells it is the project's own.
  const npmrc = `registry=https://deploy:${f.chars(24)}@npm.corp-registry.net/\n`;
  const cache = `{"env":{"REGISTRY":"https://ci:${f.chars(24)}@npm.corp-registry.net/"}}\n`;
  const res = await scan({ 'node_modules/.npmrc': npmrc, 'node_modules/.cache/babel/env.json': cache });
  expect(res).toMatchObject({ code: 1 });
  expect(res.open.sort()).toEqual(['node_modules/.cache/babel/env.json', 'node_modules/.npmrc']);
});

test('a GitHub token with a valid checksum in a committed node_modules/ package fails', async () => {
  const path = 'node_modules/some-pkg/dist/index.js';
  const res = await scan({ [path]: `const token = "${f.checksummed('ghp_')}";\n` });
  expect(res).toMatchObject({ code: 1, open: [path] });
});

test("clean twin: vendored packages' fixture keys stay suppressed", async () => {
  const keys = privateKeys(f);
  const res = await scan({
    'web/node_modules/some-tls-lib/test/fixtures/server.key': keys.rsa!,
    '.venv/lib/python3.12/site-packages/pkg/tests/key.pem': keys.ec!,
  });
  expect(res.code).toBe(0);
  expect(res.open).toEqual([]);
  expect(res.suppressed.length).toBe(2);
});
