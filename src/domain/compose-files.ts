// The files a docker compose file makes compose read besides itself: `include:` (a path, a list of
// them, `{ path: }`), a service's `extends: { file: }`, `env_file:`, and the Dockerfile of a service
// it builds (`build: ./ctx`, `{ context:, dockerfile: }`: the image's CMD or ENTRYPOINT may be the
// gate), and the files `COMPOSE_FILE` names (compose reads them instead of its default file).
// collect/gate-chains.ts follows them like the scripts a command runs.
import { posix } from 'node:path';
import { isObject, parsedJson } from './workspace-parts.js';

/** At most this many files from one compose file. */
const MAX_REFS = 64;

const list = (v: unknown): unknown[] => (Array.isArray(v) ? v : v === undefined ? [] : [v]);
const strings = (v: unknown): string[] => list(v).filter((x): x is string => typeof x === 'string');

/**
 * The files a compose file (`json`: it parsed, as JSON) names, as written, relative to its folder;
 * [] for a file that is no compose file (neither `services` nor `include` a map or list).
 */
export function composeReferences(json: string): string[] {
  const doc = parsedJson(json);
  if (!isObject(doc) || (!isObject(doc.services) && doc.include === undefined)) return [];
  const out: string[] = [];
  for (const item of list(doc.include)) out.push(...strings(isObject(item) ? item.path : item));
  for (const s of isObject(doc.services) ? Object.values(doc.services) : []) {
    if (!isObject(s)) continue;
    if (isObject(s.extends)) out.push(...strings(s.extends.file));
    out.push(...strings(s.env_file), ...list(s.env_file).flatMap((e) => (isObject(e) ? strings(e.path) : [])));
    const build = s.build;
    const context = typeof build === 'string' ? build : isObject(build) ? build.context : undefined;
    if (typeof context === 'string' || isObject(build)) {
      const ctx = typeof context === 'string' ? context : '.';
      const file = isObject(build) && typeof build.dockerfile === 'string' ? build.dockerfile : 'Dockerfile';
      if (!ctx.includes('://')) out.push(posix.join(ctx, file));
    }
  }
  return [...new Set(out.filter((p) => !p.includes('://')))].slice(0, MAX_REFS);
}

/** The files a `COMPOSE_FILE` value names (`a.yaml:b.yaml`; `;` on Windows runners). */
export const composeFileValue = (value: string): string[] => value.split(/[:;]/).filter(Boolean);
