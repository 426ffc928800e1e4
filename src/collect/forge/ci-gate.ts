// The check name of gitguard's own CI job in GitHub Actions, read from HEAD's workflows: the job
// whose steps run gitguard (a `uses:` or `run:` naming it). GitHub names a job's check by its `name:`
// (else its id); a name with an expression (`${{ … }}`) or a matrix cannot be known here, so none is
// returned then. Repository content: size-capped, parsed as data (no tags, few aliases).
import type { RepositoryInfo } from '../../domain/model.js';
import { createShadow } from '../git.js';
import { ObjectReader, parseTree } from '../objects.js';
import { yamlTooDeep } from '../policy-yaml.js';

const MAX_BYTES = 256 * 1024;
const MAX_FILES = 200;

export async function gitguardCheckName(repo: RepositoryInfo, head: string | undefined): Promise<string | undefined> {
  if (!head) return undefined;
  const shadow = createShadow(repo.commonDir, repo.objectFormat);
  const reader = new ObjectReader(shadow);
  try {
    const dir = await reader.read(`${head}:.github/workflows`);
    if (dir?.type !== 'tree') return undefined;
    const files = parseTree(dir.body, repo.objectFormat === 'sha256' ? 32 : 20)
      .filter((e) => /\.ya?ml$/.test(e.name))
      .slice(0, MAX_FILES);
    const { parse } = await import('yaml');
    for (const f of files) {
      const blob = await reader.read(f.oid);
      if (blob?.type !== 'blob' || blob.body.length > MAX_BYTES) continue;
      const text = blob.body.toString('utf8');
      // Nesting the parser would recurse into for a second or more a file: not a workflow GitHub runs.
      if (!/\bgitguard\b/.test(text) || yamlTooDeep(text) !== undefined) continue;
      let doc: unknown;
      try {
        doc = parse(text, { maxAliasCount: 32, customTags: [], uniqueKeys: false });
      } catch {
        continue;
      }
      const jobs = (doc as { jobs?: Record<string, unknown> } | null)?.jobs;
      if (!jobs || typeof jobs !== 'object') continue;
      for (const [id, job] of Object.entries(jobs)) {
        const j = job as { name?: unknown; steps?: unknown; uses?: unknown; strategy?: { matrix?: unknown } } | null;
        if (!j || typeof j !== 'object') continue;
        const steps = Array.isArray(j.steps) ? (j.steps as Array<Record<string, unknown>>) : [];
        const runsGitguard =
          steps.some((s) => s && [s.uses, s.run].some((v) => typeof v === 'string' && /\bgitguard\b/.test(v))) ||
          (typeof j.uses === 'string' && /\bgitguard\b/.test(j.uses));
        if (!runsGitguard) continue;
        if (j.strategy?.matrix !== undefined) return undefined;
        const name = typeof j.name === 'string' ? j.name : id;
        return name.includes('${{') ? undefined : name;
      }
    }
    return undefined;
  } finally {
    reader.close();
    shadow.dispose();
  }
}
