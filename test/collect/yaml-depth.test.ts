// YAML nested deeper than any policy or hook manager's file needs is refused before the parser
// recurses into it: by flow brackets, compact entries, and (red-team round 7) block indentation.
import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import { readYaml, yamlTooDeep } from '../../src/collect/policy-yaml.js';
import { ROOT } from '../helpers/cli.js';

const POLICY_TAIL = 'signers:\n  - name: Alice\n    emails: [alice@example.com]\nmaintainers: [Alice]\n';
/** `levels` mappings, each indented one space more than the last. */
const indented = (levels: number): string =>
  `version: 1\n${Array.from({ length: levels }, (_, i) => `${' '.repeat(i)}k:\n`).join('')}${POLICY_TAIL}`;

const readPolicy = async (text: string): Promise<string> => {
  try {
    readYaml(await import('yaml'), text, '.gitguard/policy.yml');
    return 'read';
  } catch (err) {
    return (err as Error).message;
  }
};

test('1,000 indented levels (500 kB): refused by depth, naming the line (before: "YAML syntax error: Maximum call stack size exceeded")', async () => {
  const message = await readPolicy(indented(1000));
  expect(message).toBe('.gitguard/policy.yml: YAML nested more than 64 levels deep (line 67); a policy needs a few');
});

test('indentation that comes back, blank lines, comments and quoted lines do not count as depth', () => {
  const back = Array.from({ length: 200 }, () => 'a:\n  b:\n    c: 1\n\n    # note\n').join('');
  const quoted = `x: "one\n${' '.repeat(80)}two"\n`;
  expect(yamlTooDeep(back + quoted + indented(60))).toBeUndefined();
  expect(yamlTooDeep(indented(66))).toBe(67);
});

test("every YAML example in the README and docs/policy.md is within the depth (the check's false failures)", () => {
  const blocks = ['README.md', 'docs/policy.md'].flatMap((f) =>
    [...readFileSync(join(ROOT, f), 'utf8').matchAll(/```ya?ml\n([\s\S]*?)```/g)].map((m) => m[1]!),
  );
  expect(blocks.length).toBeGreaterThan(10);
  for (const yaml of blocks) expect(yamlTooDeep(yaml)).toBeUndefined();
});
