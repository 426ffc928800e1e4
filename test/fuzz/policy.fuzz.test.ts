// Fuzz target: policy.yml (YAML from the audited repository). parsePolicy throws only PolicyError.
import { parsePolicy, PolicyError } from '../../src/collect/policy.js';
import { fuzz, mutated, TEST_TIMEOUT } from './harness.js';

const SEED = `version: 1
identity: committer
require_signatures: true
trust_root: 3f2a9c0b6e1d4f5a7b8c9d0e1f2a3b4c5d6e7f80
signers:
  - name: Dave
    emails: [dave@example.com]
    ssh: ["SHA256:0nGq7PeH1QqD6xqkKx0Yb6J7cC4n0x2m6fUoJ0sYp9s"]
  - name: Carol
    emails: [carol@example.com]
    retired: 2025-06-01
maintainers: [Dave]
forges:
  - name: GitHub
    committer: noreply@github.com
    openpgp: [968479A1AFF927E37D1A566BB5690EEEBB952194]
goodlist:
  - commit: 0123456789abcdef0123456789abcdef01234567
    reason: reviewed
revoked_keys:
  - key: "SHA256:Xy0bq9m1Jr6H2kQ8sVt5pW3eN7cZ4aL0dF6gU1iO2yE"
    reason: stolen
severity:
  commits-signed: critical
protected:
  refs: [refs/heads/main, refs/tags/*]
  paths: [.github/workflows/**, CODEOWNERS]
`;
const TOKENS = [
  '&a ',
  '*a',
  '<<: *a',
  '!!binary ',
  '!!set ',
  '? ',
  '- ',
  ': ',
  '{',
  '}',
  '[',
  ']',
  '"',
  "'",
  '|',
  '>',
  '\n  ',
  '#',
  '%YAML 1.1\n---\n',
  '---\n',
  '...\n',
  '~',
  'null',
  '1e400',
  '0x',
  '\u202e',
  '\u0000',
];

test(
  'policy.yml: no crash, no hang',
  async () => {
    await fuzz(
      'policy-yaml',
      mutated([Buffer.from(SEED)], TOKENS),
      async (bytes) => {
        await parsePolicy({
          label: '.gitguard',
          policyYml: Buffer.from(bytes).toString('utf8'),
          keys: [],
          allowedSigners: undefined,
        });
      },
      (e) => e instanceof PolicyError,
      300,
    );
  },
  TEST_TIMEOUT,
);

test('a billion laughs is refused, not expanded', async () => {
  const laughs = ['version: 1', 'a: &a ["lol","lol","lol","lol","lol","lol","lol","lol","lol"]'];
  for (let i = 1; i < 9; i += 1)
    laughs.push(
      `${String.fromCharCode(97 + i)}: &${String.fromCharCode(97 + i)} [${Array(9)
        .fill(`*${String.fromCharCode(96 + i)}`)
        .join(',')}]`,
    );
  await expect(
    parsePolicy({ label: '.gitguard', policyYml: `${laughs.join('\n')}\n`, keys: [], allowedSigners: undefined }),
  ).rejects.toBeInstanceOf(PolicyError);
});
