// The package names a commit's root package.json declares, for npx's reading (domain/tool-installs.ts
// Declared): `npx x` runs the project's program x where the project installs it, else the registry's
// package x, which anyone may publish. Declared: the names in dependencies, devDependencies and
// optionalDependencies, the programs package-lock.json says each installs
// (`packages["node_modules/<name>"].bin`: typescript's tsc), and the package's own name and `bin`. A
// file past MAX_BYTES, not JSON, absent or unreadable declares nothing (fail closed: npx of any name
// is then fetched code). Held for the reading of one commit (AsyncLocalStorage, as vouching-off.ts),
// and part of the readings' memo keys (gate-branches.ts gateKey).
import { AsyncLocalStorage } from 'node:async_hooks';
import type { Read } from './link-paths.js';
import type { Declared } from '../domain/tool-installs.js';

/** The most bytes of package.json or package-lock.json read. */
const MAX_BYTES = 8 * 1024 * 1024;
/** The most names declared (past it, the rest are not). */
const MAX_NAMES = 10_000;
const DEPENDENCIES = ['dependencies', 'devDependencies', 'optionalDependencies'];

type Json = Record<string, unknown>;
const isObject = (v: unknown): v is Json => typeof v === 'object' && v !== null && !Array.isArray(v);

/** The JSON object at `path` in commit `tip`, else undefined. */
async function jsonAt(read: Read, tip: string, path: string): Promise<Json | undefined> {
  const o = await read(`${tip}:${path}`).catch(() => undefined);
  if (o?.type !== 'blob' || o.body.length > MAX_BYTES) return undefined;
  try {
    const v: unknown = JSON.parse(o.body.toString('utf8'));
    return isObject(v) ? v : undefined;
  } catch {
    return undefined;
  }
}

/** A package.json's `bin`'s program names: its keys, or the package's own name for a lone path. */
function binNames(bin: unknown, name: unknown): string[] {
  if (isObject(bin)) return Object.keys(bin);
  return typeof bin === 'string' && typeof name === 'string' ? [name.replace(/^@[^/]*\//, '')] : [];
}

/** The names commit `tip`'s root package.json and lock declare (see above). */
export async function commitPackages(read: Read, tip: string): Promise<Declared> {
  const out = new Set<string>();
  const pkg = await jsonAt(read, tip, 'package.json');
  if (!pkg) return out;
  const add = (n: string): void => void (out.size < MAX_NAMES && out.add(n));
  if (typeof pkg.name === 'string') add(pkg.name);
  binNames(pkg.bin, pkg.name).forEach(add);
  const deps = DEPENDENCIES.flatMap((k) => (isObject(pkg[k]) ? Object.keys(pkg[k]) : []));
  deps.forEach(add);
  const lock = await jsonAt(read, tip, 'package-lock.json');
  const locked = lock && isObject(lock.packages) ? lock.packages : {};
  for (const d of deps) {
    const entry = Object.hasOwn(locked, `node_modules/${d}`) ? locked[`node_modules/${d}`] : undefined;
    if (isObject(entry)) binNames(entry.bin, d).forEach(add);
  }
  return out;
}

const current = new AsyncLocalStorage<Declared>();

/** Runs `f` with `declared` as the commit's names for the readings it starts. */
export const withPackages = <T>(declared: Declared, f: () => T): T => current.run(declared, f);

/** The names of the commit under reading; undefined outside one (npx read by git hosts' specs alone). */
export const packagesNow = (): Declared | undefined => current.getStore();

const keys = new WeakMap<Declared, string>();

/** Them as part of a memo key. */
export function packagesKey(): string {
  const d = current.getStore();
  if (!d) return '-';
  let key = keys.get(d);
  if (key === undefined) keys.set(d, (key = `npm ${[...d].sort().join('\0')}`));
  return key;
}
