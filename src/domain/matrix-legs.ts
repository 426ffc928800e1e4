// The jobs a GitHub job's `strategy: matrix:` starts, as the runner makes them: one per combination of
// the values its keys list (`dir: [web, api]`), less each combination an `exclude:` entry matches,
// with each `include:` entry added to every combination whose listed values it keeps (or a job of its
// own where it keeps none). A matrix not written out (`${{ fromJSON(...) }}`, a key whose value is
// no list, an entry that is no map) starts jobs not known here: undefined, and the step reads stay
// as they were (each `${{ matrix.x }}` an expression not known). A step's `${{ matrix.x }}` in one
// job is the text of its value there: GitHub puts it into the `run:` script, the `working-directory:`
// and the runner's label before the shell or the runner reads them.

/** One job of a matrix: its values by key. */
export type Leg = ReadonlyMap<string, unknown>;

/**
 * The jobs of one matrix read apart (GitHub starts at most 256): each is a reading of the whole job,
 * so a matrix past this is read as not written out, as before (a `${{ matrix.x }}` not known).
 */
const MAX_LEGS = 64;

/** A plain value (maps as Map) as text that is equal for equal values, for matching exclude and include entries. */
function key(v: unknown): string {
  if (v instanceof Map)
    return `{${[...(v as Map<unknown, unknown>)]
      .map(([k, x]) => `${JSON.stringify(String(k))}:${key(x)}`)
      .sort()
      .join(',')}}`;
  if (Array.isArray(v)) return `[${v.map(key).join(',')}]`;
  return JSON.stringify(v) ?? 'undefined';
}

const entries = (v: unknown): Array<Map<string, unknown>> | undefined =>
  Array.isArray(v) && v.every((e) => e instanceof Map && [...e.keys()].every((k) => typeof k === 'string'))
    ? (v as Array<Map<string, unknown>>)
    : undefined;

/**
 * The jobs the matrix of `strategy` (plain data, maps as Map) starts, each its values by key; [] where
 * it starts none (a key listing nothing, every combination excluded); undefined where no matrix is
 * written out in full (none at all, an expression, more than MAX_LEGS jobs).
 */
export function matrixLegs(strategy: unknown): Leg[] | undefined {
  const matrix: unknown = strategy instanceof Map ? (strategy as Map<unknown, unknown>).get('matrix') : undefined;
  if (!(matrix instanceof Map)) return undefined;
  const include = entries(matrix.get('include') ?? []);
  const exclude = entries(matrix.get('exclude') ?? []);
  if (!include || !exclude) return undefined;
  const names = [...(matrix as Map<unknown, unknown>).keys()].filter((k) => k !== 'include' && k !== 'exclude');
  let legs: Array<Map<string, unknown>> = [new Map()];
  for (const name of names) {
    const values: unknown = matrix.get(name);
    if (typeof name !== 'string' || !Array.isArray(values)) return undefined;
    if (legs.length * values.length > MAX_LEGS) return undefined;
    legs = legs.flatMap((l) => (values as unknown[]).map((v) => new Map([...l, [name, v]])));
  }
  if (!names.length) legs = [];
  const matches = (leg: Leg, e: ReadonlyMap<string, unknown>): boolean =>
    [...e].every(([k, v]) => leg.has(k) && key(leg.get(k)) === key(v));
  legs = legs.filter((l) => !exclude.some((e) => matches(l, e)));
  const listed = legs.length;
  for (const e of include) {
    // It may change a value an earlier include added, never one the lists give.
    const keeps = (l: Leg): boolean => [...e].every(([k, v]) => !names.includes(k) || key(l.get(k)) === key(v));
    const fits = legs.slice(0, listed).filter(keeps);
    for (const l of fits) for (const [k, v] of e) l.set(k, v);
    if (!fits.length) legs.push(new Map(e));
    if (legs.length > MAX_LEGS) return undefined;
  }
  return legs;
}

/** `strategy` as one job of its matrix reads it: each key lists that job's value alone (actions-run.ts matrixChoices). */
export function legStrategy(strategy: unknown, leg: Leg): unknown {
  const out = new Map(strategy instanceof Map ? (strategy as Map<unknown, unknown>) : []);
  out.set('matrix', new Map([...leg].map(([k, v]) => [k, [v]])));
  return out;
}

const MATRIX_USE = /\$\{\{\s*matrix\.([A-Za-z_][\w-]*)\s*\}\}/g;

/**
 * `text` with each `${{ matrix.x }}` replaced by the value `leg` gives x, as GitHub writes it (a
 * string as is, a number, true or false); a value of another kind, one holding an expression, or a
 * name the job does not set stays as written (an expression not known). Anything but a string: as is.
 */
export function legText(text: unknown, leg: Leg | undefined): unknown {
  if (!leg || typeof text !== 'string' || !text.includes('${{')) return text;
  return text.replace(MATRIX_USE, (all, name: string) => {
    const v = leg.get(name);
    if (typeof v === 'number' || typeof v === 'boolean') return String(v);
    return typeof v === 'string' && !v.includes('${{') ? v : all;
  });
}
