// What a CI step takes from the nodes above it, read the same way by every reading of its steps
// (collect/ci-yaml.ts for the files it runs, collect/github-gate.ts for whether it gates): its folder
// and its variables.

import { workingDirectory } from './step-folder.js';
import { matrixChoices } from './actions-run.js';

type Vars = ReadonlyMap<string, string>;

/**
 * The variables a node of a CI file (parsed, maps as Map) sets for the commands below it, over those
 * it inherits: GitHub's `env:` (the workflow's, a job's, a step's), GitLab's `variables:` (a value or
 * `{ value: }`), and `with:`, the inputs a reusable workflow or a local action reads as `${{ inputs.x }}`.
 */
export function variablesOf(node: ReadonlyMap<unknown, unknown>, inherited: Vars): Vars {
  let out: Map<string, string> | undefined;
  for (const key of ['env', 'variables', 'with']) {
    const m = node.get(key);
    if (!(m instanceof Map)) continue;
    for (const [k, raw] of m as Map<unknown, unknown>) {
      const v = raw instanceof Map ? (raw as Map<unknown, unknown>).get('value') : raw;
      if (typeof k !== 'string' || !/^[A-Za-z_][\w-]*$/.test(k) || !['string', 'number'].includes(typeof v)) continue;
      (out ??= new Map(inherited)).set(k, String(v));
    }
  }
  return out ?? inherited;
}

/**
 * The folder of the workspace ('' its root) a node's `working-directory:` sets over `inherited`, as
 * step-folder.ts reads it: none set, `inherited`; one that cannot be told (an expression, an absolute
 * path, out of the workspace), null.
 */
export function folderOf(v: unknown, inherited: string | null): string | null {
  const w = workingDirectory(v);
  return w === undefined ? inherited : w;
}

/**
 * The folders a step's `working-directory:` may set in the jobs of its job's matrix (`strategy`): for
 * `${{ matrix.dir }}`, folderOf each value the matrix lists for it (actions-run.ts matrixChoices); a
 * matrix not written out, or any other value, folderOf alone (an expression: null, not known).
 */
export function matrixFolders(v: unknown, inherited: string | null, strategy: unknown): Array<string | null> {
  const each = typeof v === 'string' && v.includes('${{') ? matrixChoices(v, strategy) : undefined;
  return (each ?? [v]).map((x) => folderOf(x, inherited));
}

/**
 * The folder a step's `working-directory:` sets in one job of its matrix (`strategy` that job's,
 * matrix-legs.ts legStrategy): matrixFolders' one folder; where the matrix gives more than one (it is
 * not read per job), null, not known. A matrix value inside a longer path (`${{ matrix.dir }}/..`) stays not known.
 */
export function legFolder(v: unknown, inherited: string | null, strategy: unknown): string | null {
  const each = matrixFolders(v, inherited, strategy);
  return each.length === 1 ? each[0]! : null;
}
