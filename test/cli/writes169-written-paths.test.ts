// writes169: a step that writes files of the checkout before a gate through a file (`bash ci/gate.sh`,
// `make audit`, `npm run audit`) loses the gate only where a file it writes, told by its path, is one
// the gate's chain reads or runs at the commit, a folder holding one, or a link; a write whose path is
// not told (a variable, `cd` first, a link made, a quote the reading stops at) still loses it. The kept
// cases failed (exit 1) before: any write in the checkout lost the gate.
import { cleanupJobs, jobPasses } from '../helpers/real-job.js';
import { cleanupTemp } from '../helpers/repo.js';
import { gateBatch } from '../helpers/gate-batch.js';
import { mkdirSync, symlinkSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { aliceSigns } from '../helpers/team.js';
import { commitAsPerson } from '../helpers/ssh.js';
import { runMain } from '../helpers/cli.js';

afterAll(cleanupTemp);
afterAll(cleanupJobs);

const WF = '.github/workflows/ci.yml';
const FILES = {
  'ci/gate.sh': '. ci/lib.sh\nnpx gitguard audit\n',
  'ci/lib.sh': 'set -e\n',
  'report.txt': 'report\n',
  'version.txt': '1.0.0\n',
  Makefile: 'audit:\n\tnpx gitguard audit\n',
  'package.json': '{"name":"x","version":"1.0.0","scripts":{"audit":"npx gitguard audit"}}\n',
};
/** A push workflow's one job: checkout, the `earlier` runs, then the gate step `gate` (YAML, six spaces in). */
const wf = (earlier: string[], gate = run('bash ci/gate.sh')): Record<string, string> => ({
  ...FILES,
  [WF]: `on: push\njobs:\n  a:\n    runs-on: ubuntu-latest\n    steps:\n      - uses: actions/checkout@v4\n${earlier.map((e) => run(e)).join('')}${gate}`,
});
function run(s: string, extra = ''): string {
  return `      - run: ${JSON.stringify(s)}\n${extra}`;
}
const HONEST = wf([]);

type Case = [name: string, files: Record<string, string>];

const KEPT: Case[] = [
  ['version.txt written, then bash ci/gate.sh', wf(['echo "$VERSION" > version.txt'])],
  ['out/ filled, then make audit', wf(['mkdir -p out && cp report.txt out/'], run('make audit'))],
  ['a download into dist/, then bash ci/gate.sh', wf(['mkdir -p dist && curl -sSLo dist/x.tgz https://example.com/x'])],
  [
    'sed -i and tee on other files, then bash ci/gate.sh',
    wf(["sed -i 's/1/2/' version.txt", 'echo x | tee notes.txt']),
  ],
];

const LOST: Case[] = [
  ['ci/gate.sh written', wf(['echo "exit 0" > ci/gate.sh'])],
  ['CI/Gate.sh written (one file on a macOS or Windows runner)', wf(['cp /tmp/x CI/Gate.sh'])],
  ['ci/lib.sh, which gate.sh sources, written', wf(['cp /tmp/x ci/lib.sh'])],
  ['the Makefile written, then make audit', wf(['cp /tmp/m Makefile'], run('make audit'))],
  ['a GNUmakefile written beside it, then make audit', wf(['cp /tmp/m GNUmakefile'], run('make audit'))],
  ['npm version, then npm run audit', wf(['npm version patch --no-git-tag-version'], run('npm run audit'))],
  ['ci/ filled by cp -r', wf(['cp -r /tmp/evil/. ci/'])],
  ['a path by a variable', wf(['cp /tmp/x "$TARGET"'])],
  ['a redirection into ci/$NAME', wf(['echo "exit 0" > "ci/$NAME"'])],
  ['a quote inside the target', wf(['echo "exit 0" > c"i/gate.sh"'])],
  ['a link made, then written through', wf(['ln -s ci out && cp /tmp/x out/gate.sh'])],
  ['a cd, then a relative write', wf(['cd ci && cp /tmp/x gate.sh'])],
  ['a file the gate step names as its argument', wf(['cp /tmp/x cfg.txt'], run('bash ci/gate.sh cfg.txt'))],
  [
    'a file a variable of the gate step names',
    wf(['cp /tmp/x cfg.txt'], run('bash ci/gate.sh', '        env:\n          CFG: cfg.txt\n')),
  ],
  ['its own script writes ci/gate.sh, then runs it', wf([], run('echo "exit 0" > ci/gate.sh; bash ci/gate.sh'))],
];

describe('writes169: a checkout write loses a gate through a file only where it reaches the chain', () => {
  const batch = gateBatch();
  for (const [name, after] of KEPT) test(`kept: ${name}`, batch.add(HONEST, after, true), 600_000);
  for (const [name, after] of LOST) test(`lost: ${name}`, batch.add(HONEST, after, false), 600_000);

  // `out` committed as a link to ci/: `cp x out/gate.sh` writes ci/gate.sh. The twin: out/ a folder.
  test.each([
    ['lost: a write through a link committed', true, 1],
    ['kept: the same write into a plain folder', false, 0],
  ])(
    '%s',
    async (_name, link, code) => {
      const { r, alice, keys } = aliceSigns();
      if (link) symlinkSync('ci', join(r.dir, 'out'));
      else {
        mkdirSync(join(r.dir, 'out'));
        writeFileSync(join(r.dir, 'out', '.keep'), '');
      }
      commitAsPerson(r, alice, 'alice@example.com', 'ci', HONEST);
      commitAsPerson(r, alice, 'alice@example.com', 'ci: tidy', wf(['cp /tmp/x out/gate.sh']));
      const args = ['audit', '-C', r.dir, '-r', 'ci-gate-kept', '--no-ledger', '--allowed-signers', keys];
      expect((await runMain(args, { env: r.env })).code).toBe(code);
    },
    600_000,
  );

  test('reference: real bash runs a sourced file as written, and ignores version.txt', () => {
    const files = { 'ci/gate.sh': '. ci/lib.sh\nnpx gitguard audit\n', 'ci/lib.sh': 'true\n' };
    expect(jobPasses([{ run: 'bash ci/gate.sh' }], files)).toBe(false);
    expect(jobPasses([{ run: 'echo 2 > version.txt' }, { run: 'bash ci/gate.sh' }], files)).toBe(false);
    expect(jobPasses([{ run: 'printf "exit 0\\n" > ci/lib.sh' }, { run: 'bash ci/gate.sh' }], files)).toBe(true);
  });
});
