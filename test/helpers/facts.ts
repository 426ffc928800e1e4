// Hand-built facts for unit tests of pure rules, and small runners that evaluate a rule on them.
import type { CommitRecord, Identity } from '../../src/domain/commit.js';
import { loadRuleMeta } from '../../src/engine/catalog.js';
import { vulnerabilityDatabase } from '../../src/engine/rule-data.js';
import type {
  ConfigEntry,
  ConfigScope,
  Facts,
  Rule,
  RuleContext,
  RuleEvaluation,
  RuleMeta,
} from '../../src/domain/model.js';
import { available } from '../../src/domain/model.js';

const metas = new Map<string, RuleMeta>(loadRuleMeta().map((m) => [m.id, m]));

export function ctxFor(id: string, findingLimit = 100): RuleContext {
  const meta = metas.get(id);
  if (!meta) throw new Error(`no rules/${id}.json`);
  return { meta, findingLimit, data: { vulnerabilities: vulnerabilityDatabase } };
}

/** The clock of hand-built facts (2026-12-01T00:00:00Z): fixed, so no rule test depends on when it runs. */
export const TEST_NOW = Date.UTC(2026, 11, 1);

export function factsWith(over: Partial<Facts> = {}): Facts {
  return {
    repository: {
      path: '/r',
      gitDir: '/r/.git',
      commonDir: '/r/.git',
      workTree: '/r',
      bare: false,
      shallow: false,
      objectFormat: 'sha1',
    },
    config: available([]),
    history: available({
      head: { ref: 'refs/heads/main', oid: 'a'.repeat(40) },
      refs: [],
      replaceRefs: [],
      shallowCommits: [],
    }),
    hooks: available({ dir: '/r/.git/hooks', source: 'default', hooks: [] }),
    client: available([]),
    platform: 'linux',
    scope: { description: 'HEAD', revisions: ['a'.repeat(40)] },
    ...over,
    now: over.now ?? TEST_NOW,
  };
}

/** A config entry as `git config --list --show-scope --show-origin` would give it. */
export function entry(
  key: string,
  value: string | null,
  scope: ConfigScope = 'local',
  file = scope === 'global' ? '/home/u/.gitconfig' : '/r/.git/config',
): ConfigEntry {
  return { key, value, scope, origin: `file:${file}` };
}

export function withConfig(...entries: ConfigEntry[]): Facts {
  return factsWith({ config: available(entries) });
}

export function evaluate(rule: Rule, facts: Facts, commits: CommitRecord[] = []): RuleEvaluation {
  const ctx = ctxFor(rule.id);
  if (rule.kind === 'repo') return rule.evaluate(facts, ctx);
  const v = rule.start(facts, ctx);
  for (const c of commits) v.visit(c);
  return v.finish();
}

const who = (name: string, email: string, time = 1_700_000_000): Identity => ({ name, email, time, tz: '+0000' });

let n = 0;
export function commit(over: Partial<CommitRecord> = {}): CommitRecord {
  n += 1;
  const oid = n.toString(16).padStart(40, '0');
  return {
    oid,
    tree: 'f'.repeat(40),
    parents: [],
    author: who('Alice', 'alice@example.com'),
    committer: who('Alice', 'alice@example.com'),
    signatures: [],
    mergetags: [],
    payload: Buffer.from(''),
    message: `commit ${n}\n`,
    subject: `commit ${n}`,
    hashOk: true,
    ...over,
  };
}

/** Runs a named table of cases and checks each outcome (and optionally the findings). */
export interface Case {
  name: string;
  facts?: Facts;
  commits?: CommitRecord[];
  outcome: RuleEvaluation['outcome'];
  /** Each string must appear in some finding's message. */
  mentions?: string[];
  findings?: number;
}

export function runTable(rule: Rule, cases: Case[]): void {
  test.each(cases.map((c) => [c.name, c] as const))('%s', (_name, c) => {
    const ev = evaluate(rule, c.facts ?? factsWith(), c.commits ?? []);
    expect(ev.outcome).toBe(c.outcome);
    const messages = (ev.findings ?? []).map((f) => f.message).join('\n');
    for (const m of c.mentions ?? []) expect(messages).toContain(m);
    if (c.findings !== undefined) expect(ev.findingCount ?? ev.findings?.length ?? 0).toBe(c.findings);
  });
}

// ---- trust facts for the signature rules ----
import type { Policy, Signer } from '../../src/domain/policy.js';
import type { CommitTrust, TrustedCommit } from '../../src/domain/trust.js';
import type { Verdict } from '../../src/domain/signature.js';

/** A hand-built policy with SSH signers named by fingerprint (no keys needed). */
export function policyWith(over: Partial<Policy> & { signers: Signer[] }): Policy {
  return {
    version: 1,
    identity: 'committer',
    requireSignatures: true,
    maintainers: [],
    forges: [],
    goodlist: [],
    severity: {},
    protected: { refs: [], paths: ['.gitguard/**'] },
    revokedKeys: [],
    keyring: undefined as unknown as Policy['keyring'],
    allowedSigners: [],
    label: '.gitguard at test',
    ...over,
  };
}

export const sshSigner = (name: string, email: string, extra: Partial<Signer> = {}): Signer => ({
  name,
  emails: [email],
  openpgp: [],
  ssh: [`SHA256:${name}`],
  ...extra,
});

export const good = (keyOf: string, over: Partial<Verdict> = {}): Verdict => ({
  letter: 'G',
  format: 'ssh',
  signer: `SHA256:${keyOf}`,
  identities: [],
  signedAt: 1_700_000_000,
  ...over,
});

/** A commit with trust facts: judged by `policy` (policy mode) with `verdict`. */
export function trusted(
  verdict: Verdict,
  policy: Policy | undefined,
  over: Partial<CommitRecord> = {},
  trust: Partial<CommitTrust> = {},
): TrustedCommit {
  const c = commit({ signatures: verdict.letter === 'N' ? [] : [{ header: 'gpgsig', armored: 'x' }], ...over });
  // Typed where it is made (not asserted): Object.assign's inference would widen `mode` to string.
  const commitTrust: CommitTrust = {
    mode: policy ? 'policy' : 'keys',
    verifications: [{ ...(policy ? { policy } : {}), verdict }],
    policyChanged: false,
    trustRoot: false,
    changedPaths: [],
    ciGateRemoved: false,
    ...trust,
  };
  return Object.assign(c, { trust: commitTrust });
}

export const as = (name: string, email: string) => ({ name, email, time: 1_700_000_000, tz: '+0000' });
