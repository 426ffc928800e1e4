// Whether the CI configuration in a commit runs gitguard (a file of it mentions gitguard): what
// ci-gate-kept compares between a commit and its parents. Memoised by the ids at the CI paths.
import { ObjectReader, parseTree } from './objects.js';

export class CiGateReader {
  private readonly gateOf = new Map<string, Promise<boolean | undefined>>();
  constructor(
    private readonly reader: ObjectReader,
    private readonly oidBytes: 20 | 32,
  ) {}

  /**
   * `ids`: the object ids at the CI paths (null where a path is absent). Undefined when no file that
   * is there mentions gitguard but one is not in the repository (a partial clone leaves older files
   * out): unknown, so neither side of a removal.
   */
  runsGitguard(ids: readonly (string | null)[]): Promise<boolean | undefined> {
    const key = ids.join(' ');
    let gate = this.gateOf.get(key);
    if (!gate) {
      gate = (async () => {
        let unknown = false;
        for (const id of ids) {
          if (!id) continue;
          const o = await this.reader.read(id);
          if (!o) {
            unknown = true;
            continue;
          }
          const blobs =
            o.type === 'tree'
              ? parseTree(o.body, this.oidBytes)
                  .filter((e) => e.mode !== '160000' && /\.ya?ml$/.test(e.name))
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
