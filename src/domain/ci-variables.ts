// The values a CI's shell variables may hold, and commands with them written in: a gate run as
// `bash $GATE` runs the file the variable names. A value is taken from wherever the configuration
// or a script it runs gives one: `env:`/`variables:`, an input's `with:` (`${{ inputs.x }}` in a
// local reusable workflow or action: collect/ci-yaml.ts), a shell assignment
// (`GATE=x`, `export GATE=x`, `readonly`, `declare`, `local`), a line written to $GITHUB_ENV
// (`echo "GATE=x" >> $GITHUB_ENV`, the same words). A name given several values stands for each:
// reading more only widens what is watched, never what a verdict means.

/** A variable's name and the values it may hold. */
export type VariableValues = ReadonlyMap<string, readonly string[]>;

/** Values kept per name (a generated script may assign one a thousand times). */
const MAX_VALUES = 16;

/**
 * `NAME=value` after a line's start, a separator, a space or a quote (`echo "GATE=x"`), with an
 * optional `export`/`readonly`/`declare -x`/`local` before it; the value quoted or up to a space,
 * separator or quote.
 */
const ASSIGNMENT =
  /(?:^|[\s;&|(!{"'])(?:(?:export|readonly|local|declare|typeset)\s+(?:-\w+\s+)*)?([A-Za-z_]\w*)=("[^"\n]*"|'[^'\n]*'|[^\s;&|)"'`]*)/gm;

/** The assignments `text` makes, in order. */
export function shellAssignments(text: string): Array<[string, string]> {
  const out: Array<[string, string]> = [];
  for (const m of text.matchAll(ASSIGNMENT)) {
    const value = m[2]!.replace(/^(["'])(.*)\1$/, '$2');
    if (value) out.push([m[1]!, value]);
  }
  return out;
}

/** `pairs` added to `into` (each name's values once, at most MAX_VALUES). */
export function addValues(into: Map<string, string[]>, pairs: Iterable<readonly [string, string]>): void {
  for (const [k, v] of pairs) {
    const had = into.get(k);
    if (!had) into.set(k, [v]);
    else if (!had.includes(v) && had.length < MAX_VALUES) had.push(v);
  }
}

/** Bytes the variables may add to one command; past it, each value used is added once, on a line of its own. */
const VARIABLES_MAX = 64 * 1024;

/**
 * `text` with the variables `values` knows written in (`bash $GATE`, `${GATE}`, `${{ env.GATE }}`):
 * the first value in place, each other one on a line of its own after it (a path alone on a line is
 * read as run, as is a script word anywhere). A value is itself read once more for variables
 * (`GATE=$DIR/gate.sh`), not further.
 */
export function withVariables(text: string, values: VariableValues): string {
  if (!values.size || !text.includes('$')) return text;
  let added = 0;
  const extra = new Set<string>();
  /** A value with the first values of the variables in it written in (`GATE=$DIR/gate.sh`). */
  const inner = (v: string): string =>
    v.includes('$') ? substitute(v, (all, name) => values.get(name)?.[0] ?? all) : v;
  const out = substitute(text, (all, name) => {
    const vs = values.get(name);
    if (!vs?.length) return all;
    const [first, ...rest] = vs.map(inner);
    for (const v of rest) extra.add(v);
    if ((added += first!.length) <= VARIABLES_MAX) return first!;
    extra.add(first!);
    return all;
  });
  return extra.size ? [out, ...extra].join('\n') : out;
}

/** `text` with each variable (`$X`, `${X}`, `${{ env.X }}`, an input `${{ inputs.x }}`) replaced by `value(whole, name)`. */
function substitute(text: string, value: (all: string, name: string) => string): string {
  return text
    .replace(/\$\{\{\s*(?:env|inputs|github\.event\.inputs)\.([A-Za-z_][\w-]*)\s*\}\}/g, value)
    .replace(/\$\{([A-Za-z_]\w*)\}|\$([A-Za-z_]\w*)/g, (all, a?: string, b?: string) => value(all, (a ?? b)!));
}

// node's options that load a file into the process before its program (NODE_OPTIONS=--require ./x.cjs).
const NODE_LOADS = new Set(['--require', '-r', '--import', '--loader', '--experimental-loader']);

/** The files a NODE_OPTIONS (or npm's node-options) value makes node load first, as written. */
export function nodeLoads(value: string): string[] {
  const words = value.trim().split(/\s+/);
  return words.flatMap((w, k) => {
    const eq = /^(--[\w-]+)=(.+)$/.exec(w);
    if (eq) return NODE_LOADS.has(eq[1]!) ? [eq[2]!] : [];
    return NODE_LOADS.has(words[k - 1] ?? '') ? [w] : [];
  });
}

/**
 * The files the CI's variables make a program on the gate's way load or run first, as written: node
 * (NODE_OPTIONS; gitguard itself is a node program), every non-interactive bash (BASH_ENV: GitHub's
 * default shell sources it before the step's commands), npm and pnpm (npm_config_script_shell, the
 * shell of every package script; npm_config_node_options). npm reads its variables in any case.
 */
export function loadedByVariables(values: VariableValues): string[] {
  const out: string[] = [];
  for (const [name, vs] of values) {
    const n = name.toLowerCase();
    for (const v of vs) {
      if (name === 'NODE_OPTIONS' || n === 'npm_config_node_options') out.push(...nodeLoads(v));
      else if (name === 'BASH_ENV' || n === 'npm_config_script_shell') out.push(v.trim());
    }
  }
  return out.filter(Boolean);
}

/** The files a shell script sources by a literal path (`. ./ci/env.sh`, `source ci/env.sh`), as written. */
export function sourcedFiles(script: string): string[] {
  return [...script.matchAll(/(?:^|[;&|(\n]|then|do)[ \t]*(?:\.|source)[ \t]+["']?([^\s"';&|$`]+)/g)].map((m) => m[1]!);
}
