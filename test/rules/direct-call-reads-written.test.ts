// A direct `npx gitguard audit` reads the files and the repository its options name: a told write
// before it loses the gate where it may be one of them (a baseline written in the run excuses what it
// lists; a `.git` written where git's discovery climbs from `-C dir` opens another repository), and
// keeps it where the write is elsewhere (`cd build && cmake .. | tee cmake.log && npx gitguard audit -C ..`:
// a log beside the build names no file the audit reads). Paths are from the folder the call runs in.
import { directCallReadsWritten } from '../../src/domain/direct-gate.js';

const CASES: Array<[script: string, written: string[], folder: string | null, reads: boolean]> = [
  ['curl -o base.json URL && npx gitguard audit --baseline base.json', ['base.json'], '', true],
  ['npx gitguard audit --baseline=ci/base.json', ['ci'], '', true],
  ['npx gitguard audit --baseline ci/base.json', ['ci/other.json'], '', false],
  ['cd build && npx gitguard audit --baseline ../base.json', ['base.json'], '', true],
  ['npx gitguard audit --allowed-signers keys/signers', ['keys2/x'], '', false],
  ['npx gitguard audit --allowed-signers "$SIGNERS"', ['x.txt'], '', true],
  ['npx gitguard audit --baseline /tmp/base.json', ['x.txt'], '', true],
  [
    'mkdir build && cd build && cmake .. 2>&1 | tee cmake.log && npx gitguard audit -C ..',
    ['build/cmake.log'],
    '',
    false,
  ],
  ['cd build && npx gitguard audit -C ..', ['build/.git'], '', false],
  ['npx gitguard audit -C sub', ['sub/x.txt'], '', false],
  ['npx gitguard audit -C sub', ['sub/.git/HEAD'], '', true],
  ['npx gitguard audit -C sub', ['sub/.git'], '', true],
  ['npx gitguard audit -C sub/deeper', ['sub/.git'], '', true],
  ['npx gitguard audit -C sub', ['.git/config'], '', true],
  ['npx gitguard audit -C sub', ['sub'], '', true],
  ['npx gitguard audit --repo ../other', ['x.txt'], '', true],
  ['npx gitguard audit -C sub', ['x.txt'], null, true],
  // The repository `-C` names is read even where its name is gitguard's command (`-C audit`).
  ['npx gitguard audit -C audit', ['audit/.git'], '', true],
  ['npx gitguard audit -C verify', ['verify'], '', true],
  ['npx gitguard audit -C audit', ['other/.git'], '', false],
  ['npx gitguard audit', ['anything'], '', false],
  ['npx gitguard audit --baseline base.json', [], '', false],
];

describe('directCallReadsWritten: a write before a direct call, against the paths the call names', () => {
  test.each(CASES)('%s after writing %j (from %j): %s', (script, written, folder, reads) => {
    expect(directCallReadsWritten(script, written, folder)).toBe(reads);
  });
});
