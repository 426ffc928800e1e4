// Whether the CI configuration in a commit runs gitguard (a file of it mentions gitguard): what
// ci-gate-kept compares between a commit and its parents. Memoised by the ids at the CI paths.
import { ObjectReader, parseTree } from './objects.js';
import { CI_PATH_IS_FOLDER, CI_PATHS } from '../domain/protected-paths.js';
import { entryId, entryOf, isFileEntry, TREE_MODE } from './tree-entry.js';

export class CiGateReader {
  private readonly gateOf = new Map<string, Promise<boolean | undefined>>();
  constructor(
    private readonly reader: ObjectReader,
    private readonly oidBytes: 20 | 32,
  ) {}

  /**
   * `entries`: the entries at CI_PATHS, in its order ("<mode> <id>", null where a path is absent).
   * Undefined when no file that is there mentions gitguard but one is not in the repository (a
   * partial clone leaves older files out): unknown, so neither side of a removal. Only what the CI
   * reads counts: the files of the workflows folder, the file `.gitlab-ci.yml` (a folder there, a
   * link or a submodule runs nothing).
   */
  runsGitguard(entries: readonly (string | null)[]): Promise<boolean | undefined> {
    const key = entries.join(' ');
    let gate = this.gateOf.get(key);
    if (!gate) {
      gate = (async () => {
        let unknown = false;
        for (const [i, entry] of entries.entries()) {
          const folder = CI_PATH_IS_FOLDER[CI_PATHS[i]!];
          if (!entry || !(folder ? entry.startsWith(`${TREE_MODE} `) : isFileEntry(entry))) continue;
          const id = entryId(entry);
          const o = await this.reader.read(id);
          if (!o) {
            unknown = true;
            continue;
          }
          const blobs =
            o.type === 'tree'
              ? parseTree(o.body, this.oidBytes)
                  .filter((e) => isFileEntry(entryOf(e.mode, e.oid)) && /\.ya?ml$/.test(e.name))
                  .map((e) => e.oid)
              : [id];
          for (const b of blobs) {
            const f = b === id ? o : await this.reader.read(b);
            if (!f) unknown = true;
            else if (f.type === 'blob' && /\bgitguard\b/.test(f.body.toString('utf8'))) return true;
          }
        }
        return unknown ? undefined : false;
      })();
      this.gateOf.set(key, gate);
    }
    return gate;
  }
}
