// Red team 30: a Makefile the CI runs is read rule by rule (domain/makefiles.ts), with regular
// expressions whose lazy run of the targets and the `\s*` after it both take spaces: a line of a
// letter and 2 million spaces (2 MB, under the 16 MiB a CI file is read to) took time quadratic in
// its length (40,000 spaces: 0.5 s; 2 million: about half an hour), at each reading of the file.
// The gate sits in the Makefile below that line (made by the maintainer), as a generated file may.
import { cleanupTemp } from '../helpers/repo.js';
import { aliceAndBob, bobsEditOutcome } from '../helpers/team.js';

afterAll(cleanupTemp);

const long = `x${' '.repeat(2_000_000)}y\n`;
const makefile = (cmd: string, lint = 'eslint .'): string => `${long}lint:\n\t${lint}\n\ngate:\n\t${cmd}\n`;
const FILES: Record<string, string> = {
  '.github/workflows/ci.yml':
    'on: push\njobs:\n  gate:\n    runs-on: ubuntu-latest\n    steps:\n      - uses: actions/checkout@v4\n      - run: make gate\n',
  Makefile: makefile('gitguard audit'),
};
const outcome = bobsEditOutcome(aliceAndBob(FILES, 'own'));

test('a line of 2 million spaces in the Makefile: the audit ends, and taking the gate out fails (before: hung)', async () => {
  expect(await outcome({ Makefile: makefile('true') })).toBe('fail');
});

test('twin: another target edited by the same signer passes', async () => {
  expect(await outcome({ Makefile: makefile('gitguard audit', 'eslint --fix .') })).toBe('pass');
});
