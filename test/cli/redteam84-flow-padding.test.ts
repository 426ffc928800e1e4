// Red team 84: a flow collection whose lines stand left of its block is padded right of it before it
// is parsed (yaml-flow-indent.ts: the forges' libyaml-based parsers check no indentation in flow
// context). Every line of the flow was padded by the block's indentation: a 150 KB workflow, a flow of
// 30,000 lines under a block indented 60,000 spaces, padded to 1.8 GB, and node threw "Invalid string
// length": the audit stopped as an internal error (exit 2); 15,000 spaces made 450 MB per version of
// the file. A padding past the parser's 256 KiB is not made: the file is left refused (unread).
import { execFileSync } from 'node:child_process';
import { keysOnlyGateFiles } from '../helpers/team.js';
import { cleanupTemp } from '../helpers/repo.js';

afterAll(cleanupTemp);

const WF = '.github/workflows/ci.yml';
const GATE = 'on: push\njobs:\n  gate:\n    runs-on: ubuntu-latest\n    steps:\n      - run: npx gitguard audit\n';
/** The gate's workflow with an env whose one value is a flow list of `lines` lines at column 0, under `indent` spaces. */
const withFlow = (indent: number, lines: number): string =>
  GATE.replace('    steps:', `    env:\n${' '.repeat(indent)}X: [\n${'b,\n'.repeat(lines)}]\n    steps:`);

/** Ruby's Psych (libyaml, GitLab's parser; GitHub's YamlDotNet ports its scanner): the steps' commands. */
const psychRuns = (text: string): unknown =>
  JSON.parse(
    execFileSync(
      'ruby',
      ['-ryaml', '-rjson', '-e', 'puts JSON.generate(YAML.safe_load(STDIN.read)["jobs"]["gate"]["steps"])'],
      { input: text, encoding: 'utf8' },
    ),
  );

test('a 150 KB workflow whose flow would pad to 1.8 GB: the audit runs, the file unread, the gate not kept', async () => {
  const hostile = withFlow(60_000, 30_000);
  expect(hostile.length).toBeLessThan(256 * 1024);
  const res = await keysOnlyGateFiles({ [WF]: GATE }, { [WF]: hostile });
  expect([res.code, res.stdout]).toEqual([1, expect.stringMatching(/FAIL\s+ci-gate-kept/)]);
});

test('twin: the same flow under a block of 6 spaces is read as Psych reads it: the gate is kept', async () => {
  const honest = withFlow(6, 3);
  expect(psychRuns(honest)).toEqual([{ run: 'npx gitguard audit' }]);
  const res = await keysOnlyGateFiles({ [WF]: GATE }, { [WF]: honest });
  expect([res.code, res.stdout]).toEqual([0, expect.stringMatching(/pass\s+ci-gate-kept/)]);
});
