// commander wiring only: flags become requests for the commands in ./commands.
import { existsSync } from 'node:fs';
import { Command, Option } from 'commander';
import { SEVERITIES } from '../domain/model.js';
import { VERSION } from '../version.js';
import { FORMATS } from '../report/formats.js';
import { keyOptions, list, refuseUnknownThreats, repoOption, threatOption } from './options.js';
import type { Io } from './io.js';
import { escapeText } from '../domain/escape.js';
import { registerBaselineCommands } from './commands/baseline.js';
import { registerHookCommands } from './commands/hook.js';
import { registerInitCommand } from './commands/init.js';
import { registerLedgerCommands } from './commands/ledger.js';

const FORGE_KINDS: readonly string[] = ['github', 'gitlab', 'auto'];

export function buildProgram(io: Io, state: { exitCode: number }): Command {
  const program = new Command('gitguard')
    .description(
      'Audit a git repository for impersonation, rewritten history, disabled protections and vulnerable clients.',
    )
    .version(VERSION, '-V, --version')
    .option('--debug', 'print stack traces for errors')
    .addOption(repoOption())
    .exitOverride()
    .configureOutput({ writeOut: io.stdout, writeErr: io.stderr })
    .showSuggestionAfterError(true)
    .hook('preAction', refuseUnknownThreats);

  keyOptions(program.command('audit'))
    .description('audit a repository and print pass/fail per rule')
    .argument('[path]', 'repository (work tree, .git folder or bare repository; or -C PATH)')
    .addOption(repoOption())
    .addOption(new Option('-f, --format <format>', 'report format').choices(FORMATS).default('text'))
    .option('-o, --output <file>', 'write the report to a file instead of stdout')
    .option('--output-text <file>', 'also write the text report to FILE')
    .option('--output-json <file>', 'also write the JSON report to FILE')
    .option('--output-sarif <file>', 'also write a SARIF 2.1.0 report to FILE (GitHub code scanning)')
    .option('--output-junit <file>', 'also write a JUnit XML report to FILE (GitLab, Jenkins)')
    .option('--output-markdown <file>', 'also write a Markdown report to FILE (a pull-request comment)')
    .option(
      '--baseline <file>',
      'report findings recorded by `gitguard baseline write` as suppressed; gate only on new ones',
    )
    .option('--allow-empty', 'let an audit that looked at nothing (every rule skipped) pass instead of exiting 2')
    .option('-q, --quiet', 'text: print only failures and the summary line')
    .addOption(
      new Option('--fail-on <severity>', 'lowest severity of a failed rule that makes the exit code 1')
        .choices([...SEVERITIES])
        .default('low'),
    )
    .option('-r, --rule <id>', 'run only this rule (repeat or comma-separate)', list)
    .addOption(threatOption("run only this threat's rules (repeat or comma-separate)"))
    .option('--all', 'walk the commits of every ref, not only HEAD')
    .option('--max-findings <n>', 'findings kept in full per rule', (v) => Number.parseInt(v, 10), 100)
    .option(
      '--server',
      'judge the repository as a server (receive.* settings, pre-receive hook); implied for a bare repository that is not a mirror clone',
    )
    .option('--git <path>', 'the git program to run and to judge for the client threat (default: git on PATH)')
    .option('--trust-root <commit>', 'audit commits from this one on; it is trusted by its own policy')
    .option(
      '--base <rev>',
      'CI: HEAD must descend from REV (e.g. the push event\'s "before"); per-commit checks cover REV..HEAD',
    )
    .option(
      '--secrets-entropy',
      'secrets-not-in-history: also report high-entropy values assigned to secret-looking names (noisier)',
    )
    .option(
      '--no-ledger',
      'do not record protected tips in .git/gitguard/ledger.json (recorded once the history and signature rules pass)',
    )
    .option(
      '--no-cache',
      'do not read or write the signature cache, walk checkpoint and duplicate-id verdict in .git/gitguard/',
    )
    .option('--no-color', 'never colour the text report')
    .option('-v, --verbose', 'list every kept finding, also under passing rules')
    .option(
      '--forge [kind]',
      "also read the forge's branch and tag protection: github, gitlab or auto (network; token in GITHUB_TOKEN/GH_TOKEN or GITLAB_TOKEN/CI_JOB_TOKEN)",
    )
    .option(
      '--forge-repo <repo>',
      'the repository on the forge: OWNER/NAME, or the GitLab project path (default: from CI variables or the origin remote)',
    )
    .option(
      '--forge-url <url>',
      "the forge's API base (default: GITHUB_API_URL or CI_API_V4_URL, else github.com / gitlab.com)",
    )
    .addHelpText(
      'after',
      `
Examples:
  gitguard audit                       audit the repository you are in
  gitguard audit --forge               also check the GitHub/GitLab branch protection (reads the token from the environment)
  gitguard audit ../other --all        every branch and tag of another repository
  gitguard audit --threat protections  only the config and hook checks
  gitguard audit --format json -o report.json --fail-on high
  gitguard audit --allowed-signers ~/.ssh/allowed_signers   check signatures without a policy
  gitguard audit --output-sarif gitguard.sarif --output-junit gitguard.xml   text for people, files for CI
  gitguard audit --format markdown -o comment.md       a pull-request comment
  gitguard audit --baseline .gitguard-baseline.json    gate only on findings not in the baseline
  gitguard audit --quiet                               failures and the summary line only

Formats: ${FORMATS.join(', ')}.

Exit codes: 0 nothing failed at or above --fail-on, 1 something did, 2 the audit could not be done
(or looked at nothing: every rule not applicable or not available; --allow-empty accepts that).`,
    )
    .action(async (path: string | undefined, opts, cmd: Command) => {
      // `audit --forge ../repo`: the optional value swallowed the path; give it back.
      if (typeof opts.forge === 'string' && !FORGE_KINDS.includes(opts.forge)) {
        if ((path !== undefined && path !== '.') || !existsSync(opts.forge))
          cmd.error(`--forge takes ${FORGE_KINDS.join(', ')} (or nothing), not "${opts.forge}"`, { exitCode: 2 });
        [path, opts.forge] = [opts.forge, true];
      }
      state.exitCode = await (await import('./commands/audit.js')).auditCommand(path, opts, io);
    });

  keyOptions(program.command('verify'))
    .description(
      'check every commit\'s signature in-process, one line per commit (like git log --format="%H %G? %GF", but safe)',
    )
    .argument('[range]', 'revision range, e.g. main~20..main (default: HEAD, from the trust root on)')
    .addOption(repoOption())
    .option('--all', 'every ref instead of HEAD')
    .option('--trust-root <commit>', 'start from this commit; it is trusted by its own policy')
    .option('--no-cache', 'do not read or write the signature cache and duplicate-id verdict in .git/gitguard/')
    .addOption(new Option('-f, --format <format>', 'output format').choices(['text', 'json']).default('text'))
    .addHelpText(
      'after',
      `
Each line: <commit id> <letter> <signer> <status>:<detail>
  letter: git's %G? (G good, B bad, U unknown signer, X expired signature, Y expired key, R revoked key, E cannot check, N none)
  status: authorized, goodlisted, forge, unsigned, bad, cannot-check, unknown-signer, key-invalid, retired, impersonation, no-policy, unjudged

Examples:
  gitguard verify                                  HEAD's history under .gitguard/policy.yml
  gitguard verify origin/main..HEAD                what a push would publish
  gitguard verify --allowed-signers ~/.ssh/allowed_signers --keyring team.asc
  gitguard verify --allowed-signers ~/.ssh/allowed_signers --revoked-keys ~/.ssh/revoked_keys

Exit codes: 0 every commit authorized, 1 some commit is not, 2 the check could not be done.`,
    )
    .action(async (range: string | undefined, opts) => {
      state.exitCode = await (await import('./commands/verify.js')).verifyCommand(range, opts, io);
    });

  program
    .command('rules')
    .description('list the rules gitguard checks')
    .addOption(new Option('-f, --format <format>', 'output format').choices(['text', 'json']).default('text'))
    .addOption(threatOption("only this threat's rules (repeat or comma-separate)"))
    .addOption(repoOption().hideHelp()) // accepted like every command's; the rules do not depend on the repository
    .addHelpText(
      'after',
      `
Examples:
  gitguard rules                          every rule: id, threat, severity, title
  gitguard rules --threat impersonation   only the signature rules
  gitguard rules --format json            with descriptions, remediation commands and references`,
    )
    .action(async (opts) => {
      state.exitCode = (await import('./commands/rules.js')).rulesCommand(opts, io);
    });

  registerBaselineCommands(program, io, state);
  registerHookCommands(program, io, state);
  registerInitCommand(program, io, state);
  registerLedgerCommands(program, io, state);

  // -C PATH before the command (gitguard -C x audit, as git -C) or after it: the program's option
  // takes it either way, and hands it to the command that runs.
  program.hook('preAction', (root, action) => {
    const repo = root.opts().repo as string | undefined;
    if (repo !== undefined && action !== root && action.opts().repo === undefined) action.setOptionValue('repo', repo);
  });

  oneLineUsageErrors(program, io);
  return program;
}

/** The full name of a command: "gitguard hook run pre-push". */
function commandPath(cmd: Command): string {
  const names: string[] = [];
  for (let c: Command | null = cmd; c; c = c.parent) names.unshift(c.name());
  return names.join(' ');
}

/**
 * commander's usage errors in gitguard's one style: one line, "gitguard: <what>; <next step>"
 * ("error: unknown option '--x'\n(Did you mean --y?)" -> "gitguard: unknown option '--x' (did you mean --y?); see gitguard audit --help").
 */
function oneLineUsageErrors(cmd: Command, io: Io): void {
  const help = `see ${commandPath(cmd)} --help`;
  cmd.configureOutput({
    writeOut: io.stdout,
    writeErr: io.stderr,
    outputError: (str, write) => {
      const text = str
        .replace(/^error: /, '')
        .split('\n')
        .map((l) => l.trim())
        .filter(Boolean)
        .join(' ')
        .replace(/\(Did you mean/, '(did you mean')
        .replace(/\.$/, '');
      write(`gitguard: ${escapeText(text, 500)}; ${help}\n`);
    },
  });
  for (const sub of cmd.commands) oneLineUsageErrors(sub, io);
}
