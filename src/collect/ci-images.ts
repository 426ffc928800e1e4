// The container images a CI job runs in (GitLab's `image:` and `services:`, `default:`'s too; GitHub's
// `container:` and `services:`): a pusher's image can ship its own `gitguard`, `npx` or `node`, or an
// entrypoint that plants one, and GitLab mounts the checkout into its services. So the gate job's
// images, as written, must be ones the CI files already named where the range starts (--base, else
// the trust root: trusted-actions.ts), as a remote action before the gate must; a `$NAME` they name
// that the job's variables set must hold a value set there too. Compared as canonical text (keys
// sorted, aliases resolved): `node:20` is not `node:22`, `{ name: node:20, entrypoint: [sh] }` is
// not `node:20`.
import type { Document } from 'yaml';
import { MAX_ALIASES } from './ci-yaml-memo.js';
import { GLOBAL } from '../domain/gitlab-config.js';
import { settingLoses } from '../domain/step-env.js';

/** The keys whose values are a job's images. */
const IMAGE_KEYS = new Set<unknown>(['image', 'services', 'container', 'strategy']);
/** At most this many nodes walked in one file at the start. */
const MAX_NODES = 100_000;
/** A variable an image text names (`$NAME`, `${NAME}`). */
const NAMED = /\$\{?([A-Za-z_][A-Za-z0-9_]*)/g;

/** A value that cannot be read (an alias past the limit, a reference to nothing here): never vouched for. */
export const UNREADABLE = Symbol('unreadable');

/** Text that is the same for the same value: maps with their keys sorted. */
export function canonical(v: unknown): string {
  const norm = (x: unknown): unknown => {
    if (x instanceof Map) x = Object.fromEntries([...x].map(([k, y]) => [String(k), y]));
    if (Array.isArray(x)) return x.map(norm);
    if (x && typeof x === 'object')
      return Object.fromEntries(
        Object.keys(x)
          .sort()
          .map((k) => [k, norm((x as Record<string, unknown>)[k])]),
      );
    return x;
  };
  return JSON.stringify(norm(v) ?? null);
}

/** A node's value as plain data (aliases resolved); UNREADABLE where it cannot be read. */
export function nodeValue(yaml: typeof import('yaml'), node: unknown, doc: Document): unknown {
  if (!yaml.isNode(node)) return node;
  try {
    return node.toJS(doc, { maxAliasCount: MAX_ALIASES });
  } catch {
    return UNREADABLE;
  }
}

/**
 * What the files at the start vouch for: image texts, `NAME=value` variable settings, and each file's
 * top-level entries whole (`[name, value]`: a GitLab job, `default:`).
 */
export interface Vouched {
  images: Set<string>;
  settings: Set<string>;
  jobs: Set<string>;
  /** GitLab's include entries, each whole (gitlab-includes.ts). */
  includes: Set<string>;
}

/** Adds the images (whole, and each entry of a list) and variable settings a CI file's text holds. */
export async function vouchedIn(text: string, into: Vouched): Promise<void> {
  const yaml = await import('yaml');
  let docs: Document[];
  try {
    docs = yaml.parseAllDocuments(text);
  } catch {
    return;
  }
  let nodes = 0;
  const walk = (node: unknown, doc: Document): void => {
    if ((nodes += 1) > MAX_NODES) return;
    if (yaml.isSeq(node)) for (const i of node.items) walk(i, doc);
    if (!yaml.isMap(node)) return;
    for (const p of node.items) {
      const key = yaml.isScalar(p.key) ? p.key.value : p.key;
      const v = nodeValue(yaml, p.value, doc);
      if (IMAGE_KEYS.has(key) && v !== UNREADABLE) {
        into.images.add(canonical(v));
        if (Array.isArray(v)) for (const e of v) into.images.add(canonical(e));
      }
      // A calling job's `with:` value, written in for the called job's `${{ inputs.x }}` (called-inputs.ts).
      if (key === 'with' && v && typeof v === 'object' && !Array.isArray(v))
        for (const value of Object.values(v)) if (typeof value === 'string') into.images.add(canonical(value));
      if ((key === 'variables' || key === 'env') && v && typeof v === 'object' && !Array.isArray(v))
        for (const [name, raw] of Object.entries(v)) {
          const value: unknown = raw && typeof raw === 'object' ? (raw as { value?: unknown }).value : raw;
          if (typeof value === 'string' || typeof value === 'number')
            into.settings.add(canonical([name, String(value)]));
        }
      walk(p.value, doc);
    }
  };
  for (const doc of docs) {
    if (doc.errors.length) continue;
    walk(doc.contents, doc);
    if (yaml.isMap(doc.contents))
      for (const p of doc.contents.items) {
        const [key, v] = [yaml.isScalar(p.key) ? p.key.value : p.key, nodeValue(yaml, p.value, doc)];
        into.jobs.add(canonical([key, v]));
        if (key === 'include') for (const e of Array.isArray(v) ? v : [v]) into.includes.add(canonical(e));
      }
  }
}

/**
 * Whether a job's images lose the gate: one not vouched for where the range starts, or naming a
 * variable `vars` sets to a value not set there. `vouched` undefined: no start (kept, as before).
 */
export function imagesLose(
  values: readonly unknown[],
  vars: ReadonlyMap<string, unknown>,
  vouched: Vouched | undefined,
): boolean {
  if (!vouched) return false;
  return values.some((v) => {
    if (v === undefined || v === null) return false;
    if (v === UNREADABLE) return true;
    const text = canonical(v);
    // A list of services: each entry as the start named it (or the list whole).
    const each = Array.isArray(v) && !vouched.images.has(text) ? v.map(canonical) : [text];
    if (each.some((t) => !vouched.images.has(t))) return true;
    return [...text.matchAll(NAMED)].some(
      ([, name]) => vars.has(name!) && !vouched.settings.has(canonical([name, vars.get(name!)])),
    );
  });
}

/**
 * Whether a GitHub job's `container:` and `services:` (`get`: a key of the job, as the workflow reads
 * it) lose the gate (imagesLose); with an expression in them (`${{ matrix.image }}`), its `strategy:`
 * too, whose matrix sets it; any other expression (`${{ inputs.image }}`: the caller's `with:`) loses it.
 */
export function containersLose(
  yaml: typeof import('yaml'),
  doc: Document,
  get: (key: string) => unknown,
  vars: ReadonlyMap<string, unknown>,
  vouched: Vouched | undefined,
): boolean {
  if (!vouched) return false;
  const values = ['container', 'services'].map((key) => nodeValue(yaml, get(key), doc));
  const expression = values.some((v) => v !== undefined && canonical(v).includes('${{'));
  // An expression but the matrix's (`${{ inputs.image }}`, a calling job's `with:`; `vars.X`): its value is set elsewhere.
  if (values.some((v) => v !== undefined && !matrixOnly(canonical(v)))) return true;
  return imagesLose(
    expression ? [...values, nodeValue(yaml, get('strategy'), doc) ?? UNREADABLE] : values,
    vars,
    vouched,
  );
}

/** Whether each `${{ }}` in a text names one value of the job's matrix alone (`${{ matrix.image }}`). */
const matrixOnly = (text: string): boolean =>
  [...text.matchAll(/\$\{\{(.*?)\}\}/g)].every(([, e]) => /^\s*matrix\.[\w-]+\s*$/.test(e!)) &&
  !/\$\{\{(?!.*?\}\})/.test(text);

/** The keys by which a GitLab job runs something of its own (a job with none merges into an included one). */
const OWN_RUN = ['script', 'trigger', 'run'];

/**
 * Whether GitLab's configuration here changes what an included template's gate job (a remote,
 * project or template include no file here holds) runs, where the range starts vouching otherwise:
 * a job with nothing of its own to run (GitLab merges it into the included job of its name: its
 * `image:`, `before_script:`, `variables:` win), or `default:`, not as written there; or global
 * variables that lose the gate (step-env.ts). No start: unchanged, as before.
 */
export function templateChanged<At>(
  defs: ReadonlyMap<string, readonly At[]>,
  valueOf: (at: At) => unknown,
  globals: ReadonlyMap<string, string>,
  vouched: Vouched | undefined,
): boolean {
  if (!vouched) return false;
  if (settingLoses(globals)) return true;
  return [...defs].some(([name, ats]) => {
    if (name.startsWith('.') || (name !== 'default' && GLOBAL.has(name))) return false;
    const values = ats.map(valueOf);
    const partial = values.every((v) => v instanceof Object && !OWN_RUN.some((k) => k in v));
    return (name === 'default' || partial) && values.some((v) => !vouched.jobs.has(canonical([name, v])));
  });
}
