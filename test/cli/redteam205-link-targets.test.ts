// redteam205: npx-reach.ts followed a committed link's target split at every `/`, so an empty name
// (`ci/..//node_modules`, `node_modules//.bin`, a trailing `/`) was read as a new folder and the rest
// of the path as made there, unread: a write through the link into node_modules/.bin, where npx looks
// for gitguard first, kept a direct `npx gitguard audit` step a gate. The runner's file system reads
// `a//b` as `a/b`. Now the empty names are dropped; a link of that spelling into a folder npx does
// not search keeps the gate.
import { cleanupTemp } from '../helpers/repo.js';
import { gateBatch } from '../helpers/gate-batch.js';
import { checkoutJob, runStep } from '../helpers/workflow-steps.js';

afterAll(cleanupTemp);

const FILES: Record<string, string> = { 'ci/ok.sh': 'exit 0\n', README: 'r\n', 'package.json': '{"name":"x"}\n' };
const GATE = runStep('npx gitguard audit');
/** An earlier step running `line`, then the direct gate step. */
const job = (line: string): Record<string, string> => checkoutJob(runStep(line), GATE, FILES);

const LOST: Array<[string, string, Record<string, string>]> = [
  ['ci/..//node_modules', 'mkdir -p u/.bin && cp ci/ok.sh u/.bin/gitguard', { u: 'ci/..//node_modules' }],
  ['node_modules//.bin', 'cp ci/ok.sh v/gitguard', { v: 'node_modules//.bin' }],
  ['node_modules/ (a trailing slash)', 'mkdir -p w/.bin && cp ci/ok.sh w/.bin/gitguard', { w: 'node_modules/' }],
];
const KEPT: Array<[string, string, Record<string, string>]> = [
  ['docs -> ci//', 'cp README docs/notes.txt', { docs: 'ci//' }],
];

describe('redteam205: writes through links whose targets hold empty names', () => {
  const batch = gateBatch();
  const DIRECT = checkoutJob('', GATE, FILES);
  for (const [name, line, links] of KEPT)
    it(`keeps the gate: ${name}`, batch.add(DIRECT, job(line), true, undefined, links), 600_000);
  for (const [name, line, links] of LOST)
    it(`loses the gate: ${name}`, batch.add(DIRECT, job(line), false, undefined, links), 600_000);
});
