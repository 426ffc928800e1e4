// What a CI step takes from the nodes above it, read the same way by every reading of its steps
// (collect/ci-yaml.ts for the files it runs, collect/github-gate.ts for whether it gates): its folder
// and its variables.

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

/** A `working-directory:` value as a folder of the checkout ('' its root); an expression, or none: `inherited`. */
export const folderOf = (v: unknown, inherited: string): string =>
  typeof v === 'string' && !v.includes('${{') ? v.replace(/^\.\/+/, '').replace(/\/+$/, '') : inherited;
