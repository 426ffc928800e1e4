// `gitguard baseline write FILE [path]`: wiring only. Runs the audit with every finding kept and
// records each failed or warned rule's findings by fingerprint (src/engine/baseline.ts).
import type { Command } from 'commander';
import { SEVERITIES, type Threat } from '../../domain/model.js';
import { escapeText } from '../../domain/escape.js';
import type { Io } from '../io.js';
import { progressReporter } from '../progress.js';
import { repositoryRoots } from '../../collect/safe-fs.js';
import { keyOptions, list, repoOption, repoPath, threatOption, trustFlags } from '../options.js';

interface BaselineFlags {
  rule?: string[];
  threat?: Threat[];
  all?: boolean;
  keyring?: string[];
  revokedKeys?: string[];
  allowedSigners?: string[];
  trustRoot?: string;
  cache: boolean;
  secretsEntropy?: boolean;
  repo?: string;
}

export function registerBaselineCommands(program: Command, io: Io, state: { exitCode: number }): void {
  const baseline = program
    .command('baseline')
    .description("record today's findings so that `audit --baseline FILE` gates only on new ones");
  keyOptions(baseline.command('write'))
    .description(
      'audit the repository and write every finding of a failed or warned rule to FILE (by stable fingerprint)',
    )
    .argument('<file>', 'the baseline file to write (JSON; commit it or keep it with your CI config)')
    .argument('[path]', 'repository (or -C PATH)')
    .addOption(repoOption())
    .option('-r, --rule <id>', 'only this rule (repeat or comma-separate)', list)
    .addOption(threatOption("only this threat's rules (repeat or comma-separate)"))
    .option('--all', 'walk the commits of every ref, not only HEAD')
    .option('--trust-root <commit>', 'audit commits from this one on')
    .option(
      '--no-cache',
      'do not read or write the signature cache, walk checkpoint and duplicate-id verdict in .git/gitguard/',
    )
    .option(
      '--secrets-entropy',
      'secrets-not-in-history: also run the generic high-entropy detector (as audit does with it)',
    )
    .addHelpText(
      'after',
      `
Run it with the same selection flags your CI audit uses, then gate on what is new:
  gitguard baseline write .gitguard-baseline.json
  gitguard audit --baseline .gitguard-baseline.json

Findings in the baseline are still reported (as suppressed); a rule fails again as soon as it has one
finding that is not in the baseline. Exit codes: 0 written, 2 the audit or the write failed.`,
    )
    .action(async (file: string, path: string | undefined, opts: BaselineFlags) => {
      const progress = progressReporter(io);
      const { runAudit } = await import('../../engine/audit.js');
      const { baselineFrom, writeBaseline } = await import('../../engine/baseline.js');
      const report = await runAudit({
        path: repoPath(opts, path),
        failOn: SEVERITIES[0],
        rules: opts.rule,
        threats: opts.threat,
        all: opts.all,
        findingLimit: Number.MAX_SAFE_INTEGER,
        env: io.env,
        ledger: false,
        allowEmpty: true,
        ...(opts.secretsEntropy ? { secretsEntropy: true } : {}),
        trust: trustFlags(opts),
        ...(progress.onProgress ? { onProgress: progress.onProgress } : {}),
      }).finally(progress.done);
      const b = baselineFrom(report);
      writeBaseline(file, b, repositoryRoots(report.repository));
      const rules = new Set(b.findings.map((f) => f.rule)).size;
      io.stdout(`wrote ${b.findings.length} finding(s) of ${rules} rule(s) to ${escapeText(file, 500)}\n`);
      const errors = report.results
        .filter((r) => r.outcome === 'error' || r.outcome === 'not-available')
        .map((r) => r.meta.id);
      if (errors.length) io.stderr(`gitguard: not recorded, the rule could not run: ${errors.join(', ')}\n`);
      state.exitCode = 0;
    });
}
