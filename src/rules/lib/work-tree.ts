// Whether a path git opens lies among the files of the work tree (not its .git folder): what every
// checkout or pull may replace, so whoever commits there chose it.
import { posix } from 'node:path';

export function inWorkTreeFiles(path: string, workTree: string | undefined): boolean {
  if (!workTree) return false;
  const rel = posix.relative(posix.normalize(workTree), posix.normalize(path));
  return rel === '' || (!rel.startsWith('..') && !posix.isAbsolute(rel) && !/^\.git(\/|$)/.test(rel));
}
