// `gitguard ledger show [path]` and `gitguard ledger accept REF [--reason TEXT] [-C path]`: wiring
// and printing only; the ledger itself is src/engine/ledger.ts over src/collect/ledger.ts.
import { Option, type Command } from 'commander';
import { escapeText, toSafeJson } from '../../domain/escape.js';
import type { Io } from '../io.js';
import { repoOption, repoPath } from '../options.js';

export function registerLedgerCommands(program: Command, io: Io, state: { exitCode: number }): void {
  const ledger = program
    .command('ledger')
    .description(
      'the history ledger (.git/gitguard/ledger.json): protected tips recorded by audits whose history and signature rules pass',
    );
  ledger
    .command('show')
    .description('print the recorded tips, the trust root and the accepted rewrites')
    .argument('[path]', 'repository (or -C PATH)')
    .addOption(repoOption())
    .addOption(new Option('--format <format>', 'output format').choices(['text', 'json']).default('text'))
    .action(async (path: string | undefined, opts: { format: string; repo?: string }) => {
      const { showLedger } = await import('../../engine/ledger.js');
      const { file, ledger: l } = await showLedger(repoPath(opts, path));
      if (opts.format === 'json') {
        io.stdout(`${toSafeJson({ file, ledger: l ?? null })}\n`);
        return;
      }
      if (!l) {
        io.stdout(
          `no ledger yet (${escapeText(file, 500)}): \`gitguard audit\` records the protected tips once its history and signature rules pass\n`,
        );
        return;
      }
      const lines = [`ledger ${escapeText(file, 500)}`, `trust root: ${l.trustRoot ?? '(none recorded)'}`];
      for (const [ref, e] of Object.entries(l.refs))
        lines.push(`  ${escapeText(ref, 200)} ${e.oid} (recorded ${escapeText(e.recordedAt, 40)})`);
      if (l.accepted.length) lines.push('accepted rewrites:');
      for (const a of l.accepted)
        lines.push(
          `  ${escapeText(a.at, 40)} ${escapeText(a.ref, 200)} ${a.from ?? '(unrecorded)'} -> ${a.to ?? '(deleted)'}: ${escapeText(a.reason, 300)}`,
        );
      io.stdout(`${lines.join('\n')}\n`);
      state.exitCode = 0;
    });
  ledger
    .command('accept')
    .description('record the current tip of REF as accepted (a deliberate rewrite, move or deletion)')
    .argument('<ref>', 'full ref name, e.g. refs/heads/main')
    .option('--reason <text>', 'why the rewrite is legitimate (kept in the ledger)', 'accepted by the user')
    .addOption(repoOption())
    .action(async (ref: string, opts: { reason: string; repo?: string }) => {
      const { acceptRef } = await import('../../engine/ledger.js');
      const r = await acceptRef(repoPath(opts), ref, opts.reason);
      io.stdout(
        `accepted ${escapeText(ref, 200)}: ${r.from ?? '(unrecorded)'} -> ${r.to ?? '(deleted)'} in ${escapeText(r.file, 500)}\n`,
      );
      state.exitCode = 0;
    });
}
