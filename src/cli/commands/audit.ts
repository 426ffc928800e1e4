import { resolve } from 'node:path';
import { ExpectedError } from '../../errors.js';
import type { Severity, Threat } from '../../domain/model.js';
import { runAudit } from '../../engine/audit.js';
import { readBaseline } from '../../engine/baseline.js';
import type { Io } from '../io.js';
import { plannedOutputs, writeOutputs, type ExtraOutputFlags } from '../outputs.js';
import { progressReporter } from '../progress.js';
import { repoPath, trustFlags } from '../options.js';
import { ledgerLine } from '../../report/summary-lines.js';

export interface AuditFlags {
  format: string;
  output?: string;
  failOn: Severity;
  rule?: string[];
  threat?: Threat[];
  all?: boolean;
  server?: boolean;
  base?: string;
  ledger?: boolean;
  maxFindings: number;
  color: boolean;
  verbose?: boolean;
  keyring?: string[];
  allowedSigners?: string[];
  revokedKeys?: string[];
  trustRoot?: string;
  cache: boolean;
  quiet?: boolean;
  baseline?: string;
  allowEmpty?: boolean;
  git?: string;
  secretsEntropy?: boolean;
  forge?: true | 'github' | 'gitlab' | 'auto';
  forgeRepo?: string;
  forgeUrl?: string;
  repo?: string;
}

export async function auditCommand(
  path: string | undefined,
  flags: AuditFlags & ExtraOutputFlags,
  io: Io,
): Promise<number> {
  const outputs = plannedOutputs(flags.format, flags.output, flags);
  const baseline = flags.baseline ? { file: flags.baseline, baseline: readBaseline(flags.baseline) } : undefined;
  const progress = progressReporter(io);
  if ((flags.forgeRepo || flags.forgeUrl) && !flags.forge)
    throw new ExpectedError('--forge-repo and --forge-url only mean something with --forge', 'add --forge');
  if (!Number.isInteger(flags.maxFindings) || flags.maxFindings < 0)
    throw new ExpectedError('--max-findings takes a whole number', 'e.g. --max-findings 100');
  const report = await runAudit({
    path: repoPath(flags, path),
    failOn: flags.failOn,
    rules: flags.rule,
    threats: flags.threat,
    all: flags.all,
    server: flags.server,
    // A relative --git is where the user typed it, not the folder each git runs in (maybe the audited work tree).
    ...(flags.git ? { gitBinary: flags.git.includes('/') ? resolve(flags.git) : flags.git } : {}),
    // All zeros is how git, GitHub (github.event.before) and GitLab (CI_COMMIT_BEFORE_SHA) say "no
    // previous tip" (a new branch): there is nothing to descend from, so the whole history is audited.
    ...(flags.base && !/^(?:0{40}|0{64})$/.test(flags.base) ? { base: flags.base } : {}),
    ledger: flags.ledger !== false,
    findingLimit: flags.maxFindings,
    env: io.env,
    trust: trustFlags(flags),
    ...(baseline ? { baseline } : {}),
    allowEmpty: flags.allowEmpty,
    ...(flags.secretsEntropy ? { secretsEntropy: true } : {}),
    ...(flags.forge
      ? {
          forge: {
            kind: flags.forge === true ? 'auto' : flags.forge,
            ...(flags.forgeRepo ? { repo: flags.forgeRepo } : {}),
            ...(flags.forgeUrl ? { url: flags.forgeUrl } : {}),
          },
        }
      : {}),
    ...(progress.onProgress ? { onProgress: progress.onProgress } : {}),
  }).finally(progress.done);
  const color = flags.color && io.isTTY && io.env.NO_COLOR === undefined;
  await writeOutputs(report, outputs, io, { color, verbose: flags.verbose, quiet: flags.quiet });
  if (report.incomplete) io.stderr(`gitguard: ${report.incomplete}\n`);
  // A lost protection is said on stderr too; --no-ledger and a narrow selection are the user's own choice.
  else if (report.ledger?.cause === 'blocked' || report.ledger?.cause === 'unwritable')
    io.stderr(`gitguard: ${ledgerLine(report)}\n`);
  return report.exitCode;
}
