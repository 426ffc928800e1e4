// policy.yml's settings, checked one by one into a draft policy (no cross-references yet: those
// need the keys, policy-keys.ts).
import { SEVERITIES, type Severity } from '../domain/model.js';
import { dbVersion } from '../vulndb/database.js';
import { parseForgePolicy } from './policy-forge.js';
import { foldEmail } from '../domain/principals.js';
import {
  CLIENT_MIN_TOOLS,
  DEFAULT_PROTECTED_PATHS,
  DEFAULT_PROTECTED_REFS,
  type ClientMinTool,
  type Forge,
  type ForgePolicy,
  type Policy,
  type RevokedKeyEntry,
  type SecretsPolicy,
  type Signer,
} from '../domain/policy.js';
import {
  Ctx,
  EMAIL,
  POLICY_LIMITS,
  RULE_ID,
  bool,
  describe,
  email,
  emails,
  fingerprints,
  globs,
  hexId,
  list,
  mapping,
  moment,
  retired,
  revokedKey,
  secretsPolicy,
  show,
  str,
} from './policy-fields.js';

export interface Draft {
  identity: Policy['identity'];
  requireSignatures: boolean;
  trustRoot?: string;
  signers: Signer[];
  maintainers: string[];
  forges: Forge[];
  goodlist: Policy['goodlist'];
  severity: Record<string, Severity>;
  protected: Policy['protected'];
  client?: Policy['client'];
  revokedKeys: RevokedKeyEntry[];
  secrets?: SecretsPolicy;
  forge: ForgePolicy;
}

const TOP_KEYS = [
  'version',
  'identity',
  'require_signatures',
  'trust_root',
  'signers',
  'maintainers',
  'forges',
  'goodlist',
  'severity',
  'protected',
  'client',
  'revoked_keys',
  'secrets',
  'forge',
] as const;
const SIGNER_KEYS = ['name', 'emails', 'openpgp', 'ssh', 'retired'] as const;
const FORGE_KEYS = ['name', 'committer', 'openpgp', 'ssh'] as const;

export function validateStructure(ctx: Ctx, raw: unknown): Draft {
  if (raw === null || raw === undefined) ctx.fail('', 'is empty; it must at least say "version: 1"');
  const top = mapping(ctx, raw, '', TOP_KEYS, 'a mapping of settings (version: 1, signers: ...)');

  if (!top.has('version')) ctx.fail('', 'version: missing; write "version: 1"');
  const version = top.get('version');
  // A quoted "1" is the usual slip (compose files quote theirs): say so rather than "unsupported".
  if (version === '1') ctx.fail('version', 'must be the number 1, not the string "1": write version: 1 without quotes');
  if (version !== 1)
    ctx.fail(
      'version',
      `unsupported version ${typeof version === 'number' ? version : describe(version)} (this gitguard reads version 1)`,
    );

  const draft: Draft = {
    identity: 'committer',
    requireSignatures: true,
    signers: [],
    maintainers: [],
    forges: [],
    goodlist: [],
    severity: {},
    protected: { refs: [...DEFAULT_PROTECTED_REFS], paths: [...DEFAULT_PROTECTED_PATHS] },
    revokedKeys: [],
    forge: { minApprovals: 1, requiredStatusChecks: [], requireSignatures: true },
  };

  if (top.has('identity')) {
    const v = top.get('identity');
    if (v !== 'committer' && v !== 'author' && v !== 'both')
      ctx.fail('identity', `must be committer, author or both, not ${describe(v)}`);
    draft.identity = v;
  }
  if (top.has('require_signatures'))
    draft.requireSignatures = bool(ctx, top.get('require_signatures'), 'require_signatures');
  if (top.has('trust_root')) draft.trustRoot = hexId(ctx, top.get('trust_root'), 'trust_root');

  // signers
  if (top.has('signers')) {
    const owner = new Map<string, string>(); // e-mail -> "signers[i] (name)"
    const names = new Map<string, number>(); // lower-cased name -> index
    list(ctx, top.get('signers'), 'signers', POLICY_LIMITS.signers).forEach((x, i) => {
      const p = `signers[${i}]`;
      const s = mapping(ctx, x, p, SIGNER_KEYS);
      if (!s.has('emails')) ctx.fail(p, 'emails: missing; a signer needs at least one e-mail address');
      const es = emails(ctx, s.get('emails'), `${p}.emails`, POLICY_LIMITS.perSignerList);
      if (!es.length) ctx.fail(`${p}.emails`, 'must list at least one e-mail address');
      const name = s.has('name') ? str(ctx, s.get('name'), `${p}.name`, 200) : es[0]!;
      const signer: Signer = {
        name,
        emails: es,
        openpgp: s.has('openpgp') ? fingerprints(ctx, s.get('openpgp'), `${p}.openpgp`, 'openpgp') : [],
        ssh: s.has('ssh') ? fingerprints(ctx, s.get('ssh'), `${p}.ssh`, 'ssh') : [],
      };
      if (s.has('retired')) {
        const r = retired(ctx, s.get('retired'), `${p}.retired`);
        if (r) signer.retired = r;
      }
      es.forEach((e, j) => {
        const prev = owner.get(e);
        if (prev) ctx.fail(`${p}.emails[${j}]`, `${show(e)} is already an e-mail of ${prev}`);
      });
      const who = `${p} (${show(name)})`;
      es.forEach((e) => owner.set(e, who));
      const prevName = names.get(name.toLowerCase());
      if (prevName !== undefined) ctx.fail(`${p}.name`, `${show(name)} is already the name of signers[${prevName}]`);
      names.set(name.toLowerCase(), i);
      draft.signers.push(signer);
    });
    // A name that is another signer's e-mail would make maintainers ambiguous.
    draft.signers.forEach((s, i) => {
      const o = owner.get(s.name.toLowerCase());
      if (o && !s.emails.includes(s.name.toLowerCase()))
        ctx.fail(`signers[${i}].name`, `${show(s.name)} is an e-mail of ${o}`);
    });
  }

  // maintainers
  if (top.has('maintainers')) {
    list(ctx, top.get('maintainers'), 'maintainers', POLICY_LIMITS.maintainers).forEach((x, i) => {
      const p = `maintainers[${i}]`;
      const m = str(ctx, x, p, 254);
      const asEmail = EMAIL.test(m) ? foldEmail(m) : undefined;
      const found = draft.signers.some((s) => s.name === m || (asEmail !== undefined && s.emails.includes(asEmail)));
      if (!found) ctx.fail(p, `${show(m)} is neither the name nor an e-mail of a signer`);
      const value = asEmail !== undefined && draft.signers.some((s) => s.emails.includes(asEmail)) ? asEmail : m;
      if (!draft.maintainers.includes(value)) draft.maintainers.push(value);
    });
  }

  // forges
  if (top.has('forges')) {
    list(ctx, top.get('forges'), 'forges', POLICY_LIMITS.forges).forEach((x, i) => {
      const p = `forges[${i}]`;
      const f = mapping(ctx, x, p, FORGE_KEYS);
      if (!f.has('name')) ctx.fail(p, 'name: missing (e.g. GitHub)');
      const name = str(ctx, f.get('name'), `${p}.name`, 200);
      if (draft.forges.some((o) => o.name.toLowerCase() === name.toLowerCase()))
        ctx.fail(`${p}.name`, `${show(name)} is listed twice`);
      if (!f.has('committer'))
        ctx.fail(p, 'committer: missing (the e-mail the platform commits as, e.g. noreply@github.com)');
      const c = f.get('committer');
      const committerEmails =
        typeof c === 'string'
          ? [email(ctx, c, `${p}.committer`)]
          : emails(ctx, c, `${p}.committer`, POLICY_LIMITS.perSignerList);
      if (!committerEmails.length) ctx.fail(`${p}.committer`, 'must list at least one e-mail address');
      committerEmails.forEach((e, j) => {
        const s = draft.signers.findIndex((sg) => sg.emails.includes(e));
        const path = typeof c === 'string' ? `${p}.committer` : `${p}.committer[${j}]`;
        if (s !== -1)
          ctx.fail(path, `${show(e)} is also an e-mail of signers[${s}]; a forge commits under its own address`);
      });
      const forge: Forge = {
        name,
        committerEmails,
        openpgp: f.has('openpgp') ? fingerprints(ctx, f.get('openpgp'), `${p}.openpgp`, 'openpgp') : [],
        ssh: f.has('ssh') ? fingerprints(ctx, f.get('ssh'), `${p}.ssh`, 'ssh') : [],
      };
      if (!forge.openpgp.length && !forge.ssh.length)
        ctx.fail(p, 'names no key; list the platform key under openpgp: or ssh:');
      draft.forges.push(forge);
    });
  }

  // goodlist
  if (top.has('goodlist')) {
    list(ctx, top.get('goodlist'), 'goodlist', POLICY_LIMITS.goodlist).forEach((x, i) => {
      const p = `goodlist[${i}]`;
      const g = mapping(ctx, x, p, ['commit', 'reason']);
      if (!g.has('commit')) ctx.fail(p, 'commit: missing');
      const commit = hexId(ctx, g.get('commit'), `${p}.commit`);
      if (!g.has('reason')) ctx.fail(p, 'reason: missing; say why this commit is accepted');
      const reason = str(ctx, g.get('reason'), `${p}.reason`);
      const prev = draft.goodlist.findIndex((e) => e.commit === commit);
      if (prev !== -1) ctx.fail(`${p}.commit`, `${commit} is already goodlist[${prev}]`);
      draft.goodlist.push({ commit, reason });
    });
  }

  // severity
  if (top.has('severity')) {
    const v = top.get('severity');
    if (!(v instanceof Map)) ctx.fail('severity', `must be a mapping of rule id to severity, not ${describe(v)}`);
    if (v.size > POLICY_LIMITS.severity) ctx.fail('severity', `more than ${POLICY_LIMITS.severity} entries`);
    for (const [k, sev] of v) {
      if (typeof k !== 'string' || !RULE_ID.test(k) || k.length > 100)
        ctx.fail('severity', `${describe(k)} is not a rule id`);
      if (typeof sev !== 'string' || !(SEVERITIES as readonly string[]).includes(sev)) {
        ctx.fail(`severity.${k}`, `must be one of ${SEVERITIES.join(', ')}, not ${describe(sev)}`);
      }
      draft.severity[k] = sev as Severity;
    }
  }

  // protected
  if (top.has('protected')) {
    const pr = mapping(ctx, top.get('protected'), 'protected', ['refs', 'paths', 'floating_tags']);
    if (pr.has('refs')) draft.protected.refs = globs(ctx, pr.get('refs'), 'protected.refs', 'refs');
    if (pr.has('floating_tags')) {
      const floating = globs(ctx, pr.get('floating_tags'), 'protected.floating_tags', 'refs');
      floating.forEach((g, i) => {
        if (!g.startsWith('refs/tags/') || g.length === 'refs/tags/'.length)
          ctx.fail(
            `protected.floating_tags[${i}]`,
            `${show(g)} is not a tag name or pattern (refs/tags/v1, refs/tags/v?)`,
          );
      });
      draft.protected.floatingTags = floating;
    }
    if (pr.has('paths')) {
      const paths = globs(ctx, pr.get('paths'), 'protected.paths', 'paths');
      // The policy protects itself, whatever the list says.
      draft.protected.paths = paths.includes('.gitguard/**') ? paths : ['.gitguard/**', ...paths];
    }
  }

  // client
  if (top.has('client')) {
    const cl = mapping(ctx, top.get('client'), 'client', ['min_versions']);
    const minVersions: Partial<Record<ClientMinTool, string>> = {};
    if (cl.has('min_versions')) {
      const mv = mapping(ctx, cl.get('min_versions'), 'client.min_versions', CLIENT_MIN_TOOLS);
      for (const tool of CLIENT_MIN_TOOLS) {
        if (!mv.has(tool)) continue;
        const v = mv.get(tool);
        const p = `client.min_versions.${tool}`;
        if (typeof v !== 'string')
          ctx.fail(
            p,
            `must be a version written as a string such as "2.45.1" (quote it: YAML reads 2.40 as the number 2.4), not ${describe(v)}`,
          );
        if (dbVersion(v) === null) ctx.fail(p, `${show(v)} is not a version such as "2.45.1" (or "9.6p1" for ssh)`);
        minVersions[tool] = v;
      }
    }
    draft.client = { minVersions };
  }

  // revoked_keys
  if (top.has('revoked_keys')) {
    list(ctx, top.get('revoked_keys'), 'revoked_keys', POLICY_LIMITS.revokedKeys).forEach((x, i) => {
      const p = `revoked_keys[${i}]`;
      const r = mapping(ctx, x, p, ['key', 'reason', 'since']);
      if (!r.has('key')) ctx.fail(p, 'key: missing (an OpenPGP fingerprint, or an SSH fingerprint "SHA256:...")');
      const key = revokedKey(ctx, r.get('key'), `${p}.key`);
      if (!r.has('reason')) ctx.fail(p, 'reason: missing; say why the key is revoked');
      const reason = str(ctx, r.get('reason'), `${p}.reason`);
      const entry: RevokedKeyEntry = { key, reason };
      if (r.has('since')) entry.since = moment(ctx, r.get('since'), `${p}.since`);
      const prev = draft.revokedKeys.findIndex((e) => e.key === key);
      if (prev !== -1) ctx.fail(`${p}.key`, `${key} is already revoked_keys[${prev}]`);
      draft.revokedKeys.push(entry);
    });
  }
  if (top.has('secrets')) draft.secrets = secretsPolicy(ctx, top.get('secrets'));

  // forge
  draft.forge = parseForgePolicy(top.get('forge'), draft.requireSignatures, (path, msg) => ctx.fail(path, msg));
  return draft;
}
