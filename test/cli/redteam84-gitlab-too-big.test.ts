// Red team 84: GitLab refuses a configuration whose loaded data is too big or too deep ("The parsed YAML
// is too big": Gitlab::Utils::DeepSize walks Psych's objects, an alias's as often as it is reached, past
// max_yaml_size_bytes, 2 MiB by default, or 100 levels; GitLab's own spec refuses a 9x9 billion laughs
// and `--- &1 [hi, *1]`), and runs no pipeline. gitguard read the gate in a 12-line billion laughs
// (10^11 strings loaded) as kept, a forged pass; an alias of its own list overflowed the stack of the
// variable walk (ci-yaml.ts): an internal error, exit 2, on every audit of the history.
import { gateBatch } from '../helpers/gate-batch.js';
import { cleanupTemp } from '../helpers/repo.js';

afterAll(cleanupTemp);

const GL = '.gitlab-ci.yml';
const GATE = 'audit:\n  script:\n    - npx gitguard audit\n';
/** `levels` anchors, each a list of `width` aliases of the one before; the gate job's variables name the last. */
function laughs(levels: number, width: number): string {
  let s = `a0: &a0 [${Array(width).fill('x').join(', ')}]\n`;
  for (let i = 1; i <= levels; i++)
    s += `a${i}: &a${i} [${Array(width)
      .fill(`*a${i - 1}`)
      .join(', ')}]\n`;
  return `${s}${GATE}  variables:\n    LAUGHS: *a${levels}\n`.replace(/^a(\d+):/gm, '.a$1:');
}

// The two refused files judged by one audit of their chain, the twin by another (gate-batch.ts).
const batch = gateBatch();

test(
  'a billion laughs (10^11 strings loaded): GitLab refuses the file, the gate is not kept',
  batch.add({ [GL]: GATE }, { [GL]: laughs(11, 10) }, false),
);

test(
  'an alias of its own list: GitLab refuses the file; the audit runs (was an internal error)',
  batch.add({ [GL]: GATE }, { [GL]: `.x: &1\n  - hi\n  - *1\n${GATE}` }, false),
);

const honest = `.defaults: &defaults\n  image: node:20\n  tags: [docker]\n${laughs(2, 10)}lint:\n  <<: *defaults\n  script: [npm run lint]\n`;
test(
  'twin: anchors as CI files use them (merged defaults, 3 levels of 10: 1,000 strings) keep the gate',
  batch.add({ [GL]: GATE }, { [GL]: honest }, true),
);
