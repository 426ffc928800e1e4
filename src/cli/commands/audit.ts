import { writeFileSync } from 'node:fs';
import { ExpectedError } from '../../errors.js';
import type { Severity, Threat } from '../../model.js';
import { runAudit } from '../../engine/audit.js';
import { reporterFor } from '../../report/index.js';
import type { Io } from '../main.js';

export interface AuditFlags {
  format: string;
  output?: string;
  failOn: Severity;
  rule?: string[];
  threat?: Threat[];
  all?: boolean;
  maxFindings: number;
  color: boolean;
  verbose?: boolean;
  keyring?: string[];
  allowedSigners?: string[];
  trustRoot?: string;
  cache: boolean;
}

export async function auditCommand(path: string, flags: AuditFlags, io: Io): Promise<number> {
  const reporter = reporterFor(flags.format);
  if (!Number.isInteger(flags.maxFindings) || flags.maxFindings < 0) throw new ExpectedError('--max-findings takes a whole number');
  const report = await runAudit({
    path,
    failOn: flags.failOn,
    rules: flags.rule,
    threats: flags.threat,
    all: flags.all,
    findingLimit: flags.maxFindings,
    env: io.env,
    trust: { keyrings: flags.keyring, allowedSigners: flags.allowedSigners, ...(flags.trustRoot ? { trustRoot: flags.trustRoot } : {}), cache: flags.cache },
  });
  const color = flags.color && !flags.output && io.isTTY && io.env.NO_COLOR === undefined;
  const text = reporter(report, { color, verbose: flags.verbose });
  if (flags.output) {
    try {
      writeFileSync(flags.output, text);
    } catch (err) {
      throw new ExpectedError(`cannot write ${flags.output}: ${(err as NodeJS.ErrnoException).code ?? (err as Error).message}`);
    }
  } else io.stdout(text);
  return report.exitCode;
}
