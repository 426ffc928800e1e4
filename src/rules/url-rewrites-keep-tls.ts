import { defineRepoRule } from './define.js';
import { configFinding } from './lib/config.js';
import { FindingList, notAvailable } from './lib/findings.js';

const INSECURE = /^(http|git):\/\//i;
const VARIABLES = ['.insteadof', '.pushinsteadof'];

/** The base of url.<base>.insteadOf / pushInsteadOf, or undefined for other keys. */
function rewriteBase(key: string): string | undefined {
  if (!key.startsWith('url.')) return undefined;
  const variable = VARIABLES.find((v) => key.endsWith(v));
  return variable ? key.slice('url.'.length, -variable.length) : undefined;
}

// url.<base>.insteadOf=<prefix> makes git fetch <base>... wherever a URL starts with <prefix>: a rewrite
// from a secure prefix (https://, ssh, scp-style) to an http:// or git:// base silently drops TLS.
export default defineRepoRule({
  id: 'url-rewrites-keep-tls',
  needs: ['config'],
  evaluate(facts, ctx) {
    if (!facts.config.ok) return notAvailable(facts.config.reason);
    const found = new FindingList(ctx.findingLimit);
    for (const e of facts.config.value) {
      const base = rewriteBase(e.key);
      if (base === undefined || !INSECURE.test(base) || e.value === null || e.value === '' || INSECURE.test(e.value))
        continue;
      found.add(
        configFinding(
          e,
          `URLs starting with ${e.value} are rewritten to the unencrypted ${base} (${e.key}, ${e.scope})`,
        ),
      );
    }
    return found.evaluation();
  },
});
