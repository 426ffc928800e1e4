// Red-team round 182: what a hostile repository makes gitguard write. A commit's subject is the
// repository's to choose and git bounds it by nothing: a 1 MB subject (a few bytes in a pack) was
// copied whole into every finding naming the commit, in its message and its evidence, so one audit
// wrote a 4 MB JSON report, 2 MB SARIF and JUnit files and a 4 MB walk checkpoint for one commit and
// one rule, and a single report line of 1 MB. Findings and notes are bounded now where the rules
// hand them over (finding-bounds.ts). The same audit checks no unsafe character reaches any output raw (terminal escapes,
// OSC 8 hyperlinks, C1 controls, bidi overrides, U+2028) and every format stays valid. Honest twin:
// a short subject is still quoted whole.
import { existsSync, readFileSync, statSync } from 'node:fs';
import { join } from 'node:path';
import { XMLValidator } from 'fast-xml-parser';
import { cleanupTemp, makeRepo, type TestRepo } from '../helpers/repo.js';
import { parseJson, resultOf, runMain, type CliResult, type JsonReport } from '../helpers/cli.js';

afterAll(() => cleanupTemp());

// CSI, an OSC 8 hyperlink, a one-character C1 CSI, NEL, a bidi override and isolate, U+2028, DEL.
const HOSTILE =
  '\u001b[31mred\u001b[0m \u001b]8;;https://evil.example/\u0007link\u001b]8;;\u0007 \u009b2J\u0085\u202e\u2066\u2028\u007f';
// Every character no output may carry raw (escape.ts's list, in part), \n \t and \r excepted.
const RAW_UNSAFE = /[\u0000-\u0008\u000b-\u000c\u000e-\u001f\u007f-\u009f\u202a-\u202e\u2066-\u2069\u2028\u2029]/u;
const HONEST = 'docs: a short subject quoted whole';
const BIG = 'A'.repeat(1 << 20);
const GATE = 'on: push\njobs:\n  gate:\n    runs-on: ubuntu-latest\n    steps:\n      - run: npx gitguard audit\n';

interface Audit {
  r: TestRepo;
  res: CliResult;
  sarif: string;
  junit: string;
  checkpoint: number;
}

let audit: Audit;
beforeAll(async () => {
  const r = makeRepo();
  r.commit(HONEST, { '.github/workflows/ci.yml': GATE });
  r.write({ 'b.txt': 'b\n' });
  r.addAllAndRun(['commit', '-q', '-F', '-'], { input: `wip ${HOSTILE}${BIG}\n\nbody ${HOSTILE}\n` });
  const sarif = join(r.home, 'out.sarif');
  const junit = join(r.home, 'out.xml');
  const outputs = ['--output-sarif', sarif, '--output-junit', junit];
  const res = await runMain(['audit', '-C', r.dir, '--format', 'json', '-r', 'commits-signed', ...outputs], {
    env: r.env,
  });
  const state = join(r.dir, '.git', 'gitguard', 'checkpoint.json');
  audit = {
    r,
    res,
    sarif: readFileSync(sarif, 'utf8'),
    junit: readFileSync(junit, 'utf8'),
    checkpoint: existsSync(state) ? statSync(state).size : 0,
  };
});

const longestLine = (s: string): number => Math.max(...s.split('\n').map((l) => l.length));

test('a 1 MB hostile subject: every report and the walk state stay small, with no line of it whole', () => {
  const { res, sarif, junit, checkpoint } = audit;
  expect(res.code).toBe(1);
  for (const out of [res.stdout, sarif, junit]) {
    expect(out.length).toBeLessThan(200_000);
    expect(longestLine(out)).toBeLessThan(10_000);
  }
  expect(checkpoint).toBeLessThan(200_000);
});

test('no raw control, C1 or bidi character in any output, and each format parses', () => {
  const { res, sarif, junit } = audit;
  for (const out of [res.stdout, res.stderr, sarif, junit]) expect(out).not.toMatch(RAW_UNSAFE);
  expect(() => JSON.parse(sarif)).not.toThrow();
  expect(XMLValidator.validate(junit)).toBe(true);
});

test("the hostile commit's finding is bounded, its evidence too; the honest one's subject whole", () => {
  const report = parseJson<JsonReport>(audit.res);
  const findings = resultOf(report, 'commits-signed').findings as Array<{
    message: string;
    evidence?: Record<string, unknown>;
  }>;
  const hostile = findings.find((f) => f.message.includes('wip '))!;
  const honest = findings.find((f) => f.message.includes(HONEST))!;
  expect(hostile.message.length).toBeLessThan(5_000);
  expect(hostile.message).toContain(`wip ${HOSTILE}AAAA`);
  expect(hostile.message.endsWith('…')).toBe(true);
  for (const v of Object.values(hostile.evidence ?? {}))
    if (typeof v === 'string') expect(v.length).toBeLessThan(5_000);
  expect(honest.message).toContain(`"${HONEST}"`.slice(1, -1));
  expect(honest.evidence?.['subject']).toBe(HONEST);
});
