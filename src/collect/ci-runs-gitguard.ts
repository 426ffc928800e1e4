// Whether the CI configuration in a commit runs gitguard (a file of it mentions gitguard): what
// ci-gate-kept compares between a commit and its parents. Memoised by the ids at the CI paths.
import { ObjectReader, parseTree } from './objects.js';

export class CiGateReader {
  private readonly gateOf = new Map<string, Promise<boolean>>();
  constructor(
    private readonly reader: ObjectReader,
    private readonly oidBytes: 20 | 32,
  ) {}

  /** `ids`: the object ids at the CI paths (null where a path is absent). */
  runsGitguard(ids: readonly (string | null)[]): Promise<boolean> {
    const key = ids.join(' ');
    let gate = this.gateOf.get(key);
    if (!gate) {
      gate = (async () => {
        for (const id of ids) {
          if (!id) continue;
          const o = await this.reader.read(id);
          if (!o) continue; // a submodule's commit (the id of a gitlink at a CI path)
          const blobs =
            o.type === 'tree'
              ? parseTree(o.body, this.oidBytes)
                  .filter((e) => e.mode !== '160000' && /\.ya?ml$/.test(e.name))
                  .map((e) => e.oid)
              : [id];
          for (const b of blobs) {
            const f = b === id ? o : await this.reader.readNamed(b, 'a CI workflow file');
            if (f?.type === 'blob' && /\bgitguard\b/.test(f.body.toString('utf8'))) return true;
          }
        }
        return false;
      })();
      this.gateOf.set(key, gate);
    }
    return gate;
  }
}
