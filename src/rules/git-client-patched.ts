import { defineRepoRule } from './define.js';
import { FindingList, notAvailable } from './lib/findings.js';
import { parseGitVersion, displayVersion, maintenanceLine } from '../vulndb/version.js';
import { affecting, fixedOnLine, remediation } from '../vulndb/database.js';

const DISTROS = new Set(['debian', 'ubuntu', 'redhat', 'fedora', 'suse', 'alpine']);

export default defineRepoRule({
  id: 'git-client-patched',
  needs: ['client'],
  evaluate(facts, ctx) {
    if (!facts.client.ok) return notAvailable(facts.client.reason);
    const git = facts.client.value.find((t) => t.tool === 'git');
    if (!git) return notAvailable('git was not found on PATH');
    const parsed = parseGitVersion(git.raw);
    if (!parsed) return notAvailable(`cannot read a version from "${git.raw}"`);
    const db = ctx.data.vulnerabilities('git');
    const shown = displayVersion(parsed.version);
    const hits = affecting(db, parsed, facts.platform);
    if (hits.length === 0) return { outcome: 'pass', note: `git ${shown}: no known vulnerability (data compiled ${db.compiled})` };

    const found = new FindingList(ctx.findingLimit);
    for (const e of hits) {
      const onLine = fixedOnLine(e, parsed);
      found.add({
        message: `${e.id} (${e.severity}): ${e.summary} — fixed in ${onLine ?? e.fixed[e.fixed.length - 1]}${onLine ? ` on the ${maintenanceLine(parsed.version)} line` : ''}`,
        evidence: { tool: 'git', program: git.program, version: shown, id: e.id, severity: e.severity, fixedOnLine: onLine, fixed: e.fixed.join(', ') },
      });
    }
    const fix = remediation(hits, parsed);
    const upgrade = [fix.onLine ? `${fix.onLine} (your ${maintenanceLine(parsed.version)} line)` : undefined, fix.overall ? `${fix.overall} (overall)` : undefined].filter(Boolean).join(' or ');
    // A distribution may backport fixes without changing the upstream number: say so, don't pretend.
    const distro = parsed.vendor && DISTROS.has(parsed.vendor)
      ? ` This is a ${parsed.vendor} build: it may carry backported fixes; check your distribution's security tracker.`
      : facts.platform === 'linux' && git.program === 'git'
        ? ' If this git comes from your distribution, it may carry backported fixes; check its security tracker.'
        : '';
    return found.evaluation('fail', `git ${shown} is affected by ${hits.length} known vulnerabilit${hits.length === 1 ? 'y' : 'ies'}; upgrade to ${upgrade || 'a newer release'}.${distro}`);
  },
});
