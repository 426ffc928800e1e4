// A flow collection whose later lines stand at or left of its block (`branches: [\nmain\n]`): libyaml
// (Ruby's Psych, GitLab; YamlDotNet 5.3 and Go's yaml.v3 port its scanner, which checks no indentation
// in flow context) reads it, the parser here refused it. flowIndented pads those lines; the padded text
// read here must be what Psych reads, and what Psych refuses stays refused.
import { execFileSync } from 'node:child_process';
import { parseAllDocuments } from 'yaml';
import { flowIndented, flowIndentError } from '../../src/collect/yaml-flow-indent.js';

/** Psych's reading (YAML.safe_load_stream, as JSON), or 'refused'. */
function psych(text: string): unknown {
  const out = execFileSync(
    'ruby',
    [
      '-ryaml',
      '-rjson',
      '-e',
      'begin; puts JSON.generate(YAML.load_stream(STDIN.read)); rescue Psych::SyntaxError; puts "null"; end',
    ],
    { input: text, encoding: 'utf8' },
  );
  return JSON.parse(out) ?? 'refused';
}

/** The reading here: of the text, else of its padding when the parser refused a flow's indentation. */
function ours(text: string): unknown {
  let docs = parseAllDocuments(text);
  if (docs.some((d) => d.errors.some(flowIndentError))) {
    const padded = flowIndented(text, 256 * 1024);
    if (padded !== undefined) docs = parseAllDocuments(padded);
  }
  return docs.some((d) => d.errors.length) ? 'refused' : docs.map((d) => d.toJS());
}

const read: Array<[string, string]> = [
  ['a flow list at column 0', 'push:\n  branches: [\nmain\n]\nsteps:\n  - run: npx gitguard audit\n'],
  ['a flow map at column 0', 'job:\n  variables: {\nA: b,\nC: d\n}\n  script: [x]\n'],
  ['nested flows', 'a:\n  b: [\n[c,\nd],\n{e: f}\n]\ng: h\n'],
  ['quotes holding brackets', 'a:\n  b: [\n\'x]y\',\n"z[\\"]"\n]\nc: d\n'],
  ['a comment inside', 'a:\n  b: [ # the branches\nmain, # kept\ndev\n]\nc: d\n'],
  ['a block scalar with a bracket before it', 'a:\n  run: |\n    echo [\n    x\n  b: [\nc\n]\n'],
  ['a plain scalar going on with - [', 'a:\n  b: echo x\n    - [y\n  c: [\nd\n]\n'],
  ['a sequence item flow', 'a:\n  - [\nb\n]\n  - c\n'],
  ['a multi-line quoted scalar in the flow', 'a:\n  b: ["c\nd", e\n]\n'],
  ['anchors before the flow', 'a:\n  b: &x [\nc\n]\n  d: *x\n'],
];

test.each(read)('%s: read as Psych reads it', (_name, text) => {
  expect(parseAllDocuments(text).some((d) => d.errors.some(flowIndentError))).toBe(true);
  expect(ours(text)).toEqual(psych(text));
  expect(ours(text)).not.toBe('refused');
});

const refused: Array<[string, string]> = [
  ['a document marker inside the flow', 'a:\n  b: [\n---\nc\n]\n'],
  ['an unclosed flow', 'a:\n  b: [\nc\nd: e\n'],
];

test.each(refused)('%s: refused, as Psych refuses it', (_name, text) => {
  expect(psych(text)).toBe('refused');
  expect(ours(text)).toBe('refused');
});

test('a text whose flows are indented is left alone', () => {
  expect(flowIndented('a:\n  b: [\n    c\n  ]\n', 256 * 1024)).toBeUndefined();
});
