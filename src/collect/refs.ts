// Refs, HEAD, replace refs, grafts and the shallow boundary: the facts the history rules judge.
import { existsSync, readFileSync } from 'node:fs';
import { join } from 'node:path';
import type { HistoryFacts, RefInfo, RepositoryInfo } from '../model.js';
import { gitText } from './git.js';

export function parseForEachRef(out: string): RefInfo[] {
  const refs: RefInfo[] = [];
  for (const line of out.split('\0\n')) {
    if (!line) continue;
    const [oid, type, name, peeled] = line.split('\0');
    if (!oid || !name) continue;
    refs.push({ name, oid, type: type ?? '', ...(peeled ? { peeled } : {}) });
  }
  return refs;
}

export async function collectHistory(repo: RepositoryInfo): Promise<HistoryFacts> {
  const opts = { gitDir: repo.gitDir, timeoutMs: 60_000 };
  const out = await gitText(['for-each-ref', '--format=%(objectname)%00%(objecttype)%00%(refname)%00%(*objectname)%00'], opts);
  const refs = parseForEachRef(`${out}\n`);
  const headRef = await gitText(['symbolic-ref', '-q', 'HEAD'], { ...opts, okCodes: [1] });
  const headOid = await gitText(['rev-parse', '-q', '--verify', '--end-of-options', 'HEAD^{commit}'], { ...opts, okCodes: [1, 128] });

  const replaceRefs = refs
    .filter((r) => r.name.startsWith('refs/replace/'))
    .map((r) => ({ replaced: r.name.slice('refs/replace/'.length), replacement: r.oid }));

  const graftsFile = join(repo.commonDir, 'info', 'grafts');
  const grafts = existsSync(graftsFile)
    ? { file: graftsFile, entries: readFileSync(graftsFile, 'utf8').split('\n').map((l) => l.trim()).filter((l) => l && !l.startsWith('#')) }
    : undefined;

  const shallowFile = join(repo.commonDir, 'shallow');
  const shallowCommits = existsSync(shallowFile) ? readFileSync(shallowFile, 'utf8').split('\n').filter(Boolean) : [];

  return {
    head: { ...(headRef ? { ref: headRef } : {}), ...(headOid ? { oid: headOid } : {}) },
    refs,
    replaceRefs,
    ...(grafts ? { grafts } : {}),
    shallowCommits,
  };
}
