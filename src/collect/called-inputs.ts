// A reusable workflow as the jobs of a workflow call it: GitHub writes each `${{ inputs.x }}` of the
// called file as the value the calling job's `with: x:` gives it, so `gitguard audit --trust-root
// ${{ inputs.root }}` audits from the commit a caller names by its full id. The called file alone
// leaves the input an expression the change may choose (audit-options.ts fixedStart: no gate); read
// with a caller's fixed value written in (fixedRootValue: a full object id or `${{ vars.X }}`), it
// gates as that caller's job runs it. Only such values are written in: hex digits, a forge setting or
// an image's name (a called job's `container: ${{ inputs.image }}`, judged as ci-images.ts judges an
// image) change no YAML structure and no shell word. A caller whose value is anything else, an input left
// to its default, a calling job with an `if:` or `needs:` (it may not run), or a file not parsed: the
// called file as written (fail closed).
import type { Document } from 'yaml';
import { parsedYaml } from './yaml-budget.js';
import { resolveAlias } from './yaml-aliases.js';
import { fixedRootValue } from '../domain/audit-options.js';

/** An image a caller names (`node:20`, `ghcr.io/o/x@sha256:...`): no YAML structure, no shell word but itself. */
const IMAGE = /^[A-Za-z0-9][\w./:@-]*$/;

/** At most this many calling jobs read per caller. */
const MAX_CALLS = 32;

/** The path a job's `uses:` names for a local reusable workflow (`./.github/workflows/x.yml`), as ci-references.ts lists it. */
const localUses = (v: unknown): string | undefined =>
  typeof v === 'string' ? /^\s*\.\/([^@\s]+?)\/*\s*$/.exec(v)?.[1] : undefined;

/**
 * The texts of the reusable workflow at `ref` as the jobs of `caller` run it: each of `called` with
 * the fixed `with:` values of one calling job written in for its `${{ inputs.x }}`, after `called`
 * themselves (unchanged where no caller gives such a value).
 */
export async function calledTexts(caller: string, ref: string, called: readonly string[]): Promise<string[]> {
  const out = [...called];
  const docs = await parsedYaml(caller);
  if (typeof docs === 'string') return out;
  const yaml = await import('yaml');
  for (const doc of docs) {
    for (const fixed of callsOf(yaml, doc, ref).slice(0, MAX_CALLS)) {
      if (!fixed.size) continue;
      for (const text of called) {
        let t = text;
        for (const [name, value] of fixed)
          t = t.replace(new RegExp(String.raw`\$\{\{\s*inputs\.${name}\s*\}\}`, 'g'), () => value);
        if (t !== text && !out.includes(t)) out.push(t);
      }
    }
  }
  return out;
}

/** For each job of `doc` calling `ref`: its `with:` inputs whose value is a fixed root or an image's name. */
function callsOf(yaml: typeof import('yaml'), doc: Document, ref: string): Array<Map<string, string>> {
  const node = (n: unknown): unknown => resolveAlias(yaml, n, doc);
  const jobs = node(yaml.isMap(doc.contents) ? doc.contents.get('jobs', true) : undefined);
  if (!yaml.isMap(jobs)) return [];
  const out: Array<Map<string, string>> = [];
  for (const pair of jobs.items) {
    const job = node(pair.value);
    if (!yaml.isMap(job)) continue;
    const uses = node(job.get('uses', true));
    if (!yaml.isScalar(uses) || localUses(uses.value) !== ref) continue;
    // A job that may not run (`if:`, `needs:`: job-needs.ts) lends its values to no reading.
    if (job.has('if') || job.has('needs')) continue;
    const fixed = new Map<string, string>();
    const inputs = node(job.get('with', true));
    for (const p of yaml.isMap(inputs) ? inputs.items : []) {
      const [k, v] = [node(p.key), node(p.value)];
      if (!yaml.isScalar(k) || !yaml.isScalar(v) || typeof k.value !== 'string' || typeof v.value !== 'string')
        continue;
      if (/^[A-Za-z_][\w-]*$/.test(k.value) && (fixedRootValue(v.value) || IMAGE.test(v.value.trim())))
        fixed.set(k.value, v.value.trim());
    }
    out.push(fixed);
  }
  return out;
}
