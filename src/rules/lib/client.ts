// The client rules (git-, gpg-, ssh-, git-lfs-client-patched) share one shape: find the tool in the
// client facts, read its version, list the CVEs of its database that apply on this platform, set
// aside those the installed package's changelog names as fixed (a distribution backport), and name
// the lowest version that fixes them all (on the user's maintenance line and overall). The result's
// severity is the highest of the CVEs left open.
import type { Facts, Finding, RuleContext, RuleEvaluation, ToolVersion } from '../../domain/model.js';
import { FindingList, notAvailable } from './findings.js';
import { compareVersions, maintenanceLine } from '../../vulndb/version.js';
import { affecting, fixedOnLine, remediation, type VulnEntry, type VulnSeverity } from '../../vulndb/database.js';
import { fixMention } from '../../vulndb/distro-changelog.js';
import { TOOL_SCHEMES } from '../../vulndb/tool-versions.js';

const DISTROS = new Set(['debian', 'ubuntu', 'redhat', 'fedora', 'suse', 'alpine']);

export type ClientTool = ToolVersion['tool'];

function upgradeLine(onLine: string | null, overall: string | null, line: string): string {
  return [onLine ? `${onLine} (your ${line} line)` : undefined, overall ? `${overall} (overall)` : undefined]
    .filter(Boolean)
    .join(' or ');
}

/** The maintenance line as people name it: "2.39" (git's "1.8.5" for its four-part era). */
function lineLabel(tool: ClientTool, comparable: string): string {
  if (tool === 'git') return maintenanceLine(comparable);
  const [major, minor] = comparable.split('.');
  return `${major}.${minor}`;
}

/** The backport caveat for a distribution build without a readable record, or '' (say so, don't pretend). */
function distroCaveat(t: ToolVersion, vendor: string | undefined, platform: Facts['platform']): string {
  if (t.record?.kind === 'none') return ` ${capitalise(t.record.reason)}.`;
  if (t.record?.kind === 'changelog')
    return ` Its changelog (${t.record.source}) does not name the open ones as fixed.`;
  if (vendor && DISTROS.has(vendor))
    return ` This is a ${vendor} build (${t.distribution ?? t.raw}): your distribution may have backported fixes without changing the upstream version; check its security tracker for each CVE.`;
  if (t.distribution)
    return ` It comes from a distribution package (${t.distribution}): your distribution may have backported fixes without changing the upstream version; check its security tracker for each CVE.`;
  if (platform === 'linux' && /^\/usr\/bin\//.test(t.program))
    return ` If ${t.program} comes from your distribution, it may carry backported fixes; check its security tracker.`;
  return '';
}

const capitalise = (s: string): string => s.charAt(0).toUpperCase() + s.slice(1);

/** "Debian package git 1:2.39.5-0+deb12u3" for a tool with a changelog record. */
function recordName(t: ToolVersion): string {
  const r = t.record;
  if (r?.kind !== 'changelog') return t.program;
  return `${r.manager === 'dpkg' ? 'Debian package' : 'RPM package'} ${r.package} ${r.version}`;
}

const RANK: Record<VulnSeverity, number> = { low: 1, medium: 2, high: 3, critical: 4 };

interface Judged {
  t: ToolVersion;
  outcome: 'pass' | 'fail' | 'unreadable' | 'not-run';
  line: string;
}

/**
 * Judges every copy of the given tools in the client facts (e.g. gpg on PATH and the gpg.program of
 * the global config). A CVE the installed package's changelog names as fixed is settled (listed in
 * `resolved` with the changelog line), not open. The result's severity is the highest of the CVEs
 * still open. Missing tool: not-available with `missing` as the note ("skip", not error).
 */
export function evaluateClientTools(
  facts: Facts,
  ctx: RuleContext,
  tools: readonly ClientTool[],
  missing: string,
): RuleEvaluation {
  if (!facts.client.ok) return notAvailable(facts.client.reason);
  const copies = facts.client.value.filter((t) => tools.includes(t.tool));
  if (copies.length === 0) return notAvailable(missing);

  const found = new FindingList(ctx.findingLimit);
  const resolved: Finding[] = [];
  let worst: VulnSeverity | undefined;
  const judged: Judged[] = [];
  for (const t of copies) {
    const scheme = TOOL_SCHEMES[t.tool];
    const where = t.source ? ` (${t.source})` : '';
    if (t.notRun !== undefined) {
      judged.push({ t, outcome: 'not-run', line: `${t.program}${where}: not run: ${t.notRun}` });
      continue;
    }
    const parsed = scheme.parse(t.raw);
    if (!parsed) {
      judged.push({ t, outcome: 'unreadable', line: `${t.program}${where}: cannot read a version from "${t.raw}"` });
      continue;
    }
    const db = ctx.data.vulnerabilities(scheme.database);
    const shown = scheme.display(parsed.version);
    const which = copies.length > 1 ? ` (${t.tool} ${t.program})` : '';
    const hits = affecting(db, parsed, facts.platform);
    const open: VulnEntry[] = [];
    for (const e of hits) {
      const fix = fixMention(t.record, e.id);
      if (!fix) {
        open.push(e);
        continue;
      }
      resolved.push({
        message: `${e.id} (${e.severity}): fixed by the distribution: ${recordName(t)}, changelog entry ${fix.version}, line ${fix.line}: ${fix.text}${copies.length > 1 ? ` [${t.tool} ${t.program}]` : ''}`,
        evidence: {
          status: 'fixed-by-distribution',
          tool: t.tool,
          program: t.program,
          version: shown,
          id: e.id,
          severity: e.severity,
          package: t.record?.kind === 'changelog' ? t.record.package : null,
          packageVersion: t.record?.kind === 'changelog' ? t.record.version : null,
          changelog: t.record?.kind === 'changelog' ? t.record.source : null,
          changelogVersion: fix.version,
          changelogLine: fix.line,
          changelogText: fix.text,
        },
      });
    }
    const settled = hits.length - open.length;
    const bySource = settled
      ? ` ${settled} more ${settled === 1 ? 'is' : 'are'} fixed by the distribution (${recordName(t)}).`
      : '';
    if (open.length === 0) {
      judged.push({
        t,
        outcome: 'pass',
        line: `${scheme.label} ${shown}${which}: no known vulnerability${settled ? ` left open: ${settled} fixed by the distribution, per the changelog of ${recordName(t)}` : ''} (data compiled ${db.compiled})`,
      });
      continue;
    }
    const line = lineLabel(t.tool, parsed.version);
    for (const e of open) {
      if (worst === undefined || RANK[e.severity] > RANK[worst]) worst = e.severity;
      const onLineShown = fixedOnLine(e, parsed, scheme.display);
      // No fix on this line: name the first fixed release above it (a newer line's fix).
      const above = (e.fixedComparable.find((f) => compareVersions(f, parsed.version) > 0) ??
        e.fixedComparable[e.fixedComparable.length - 1]) as string;
      const newest = scheme.display(above);
      found.add({
        message: `${e.id} (${e.severity}): ${e.summary} — fixed in ${onLineShown ?? newest}${onLineShown ? ` on the ${line} line` : ''}${copies.length > 1 ? ` [${t.tool} ${t.program}]` : ''}`,
        evidence: {
          status: 'open',
          tool: t.tool,
          program: t.program,
          version: shown,
          id: e.id,
          severity: e.severity,
          fixedOnLine: onLineShown,
          fixed: e.fixedComparable.map((f) => scheme.display(f)).join(', '),
        },
      });
    }
    // The upstream release to move to must also fix what only the distribution patched.
    const fix = remediation(hits, parsed, scheme.display);
    const upgrade = upgradeLine(fix.onLine, fix.overall, line);
    judged.push({
      t,
      outcome: 'fail',
      line: `${scheme.label} ${shown}${which} is affected by ${open.length} known vulnerabilit${open.length === 1 ? 'y' : 'ies'}; upgrade to ${upgrade || 'a newer release'}.${bySource}${distroCaveat(t, parsed.vendor, facts.platform)}`,
    });
  }

  const note = judged.map((j) => j.line).join(' ');
  const extra = resolved.length ? { resolved } : {};
  if (judged.some((j) => j.outcome === 'fail'))
    return { ...found.evaluation('fail', note), ...(worst ? { severity: worst } : {}), ...extra };
  if (judged.some((j) => j.outcome === 'pass')) {
    // A copy we could not judge is still said, but does not hide the verdict on the one we could.
    return {
      outcome: judged.every((j) => j.outcome === 'pass') ? 'pass' : 'warn',
      note,
      findings: [],
      findingCount: 0,
      ...extra,
    };
  }
  return notAvailable(note);
}
