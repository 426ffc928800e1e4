// A key written twice in one map of a GitHub workflow: GitHub refuses the whole file ("'env' is
// already defined") and runs none of its jobs, so a gate in it is gone. gitguard read the file as if
// valid (the removed cases passed before the fix); the twins keep one of each key.
import { expectWorkflowGate, gateCases, gateWorkflow as workflow } from '../helpers/team.js';

describe('ci-gate-kept: a workflow GitHub refuses for a key written twice runs no gate', () => {
  gateCases(
    expectWorkflowGate,
    [
      ['env twice in the job', workflow('    env: {A: "1"}\n    env: {B: "2"}\n')],
      ['runs-on twice', workflow('    runs-on: ubuntu-22.04\n')],
      ['run twice in the gate step', workflow('', '        run: make\n')],
    ],
    [
      ['env once', workflow('    env: {A: "1", B: "2"}\n')],
      ['a YAML anchor used twice', workflow('    env: &e {A: "1"}\n    container: {env: *e, image: node:20}\n')],
    ],
  );
});
