// commander wiring for `gitguard hook install|uninstall|run`; the behaviour is in src/engine.
import { Command } from 'commander';
import { escapeText } from '../../domain/escape.js';
import type { Io } from '../io.js';
import { keyOptions, repoOption, repoPath, trustFlags } from '../options.js';

const print = (io: Io, lines: string[]): void => {
  if (lines.length) io.stdout(`${lines.map((l) => escapeText(l, 1000)).join('\n')}\n`);
};

export function registerHookCommands(program: Command, io: Io, state: { exitCode: number }): void {
  const hook = program
    .command('hook')
    .description('install, remove or run the git hooks that call gitguard')
    .addHelpText(
      'after',
      `
Examples:
  gitguard hook install              check every push from this repository (pre-push hook)
  gitguard hook install --server     check every push received by this bare repository (pre-receive hook)
  gitguard hook uninstall            remove it and put back the hook that was there before`,
    );

  hook
    .command('install')
    .description('install the pre-push hook (or, with --server, the pre-receive hook) that runs gitguard')
    .addOption(repoOption())
    .option('--server', 'install the pre-receive hook of a bare repository instead')
    .option('--force', 'replace a gitguard hook that was edited since it was installed')
    .addHelpText(
      'after',
      `
An existing hook is never overwritten: it is kept as <hook>.gitguard-chained and runs after gitguard with
the same input; "gitguard hook uninstall" puts it back exactly. core.hooksPath is respected.
If gitguard cannot be found when the hook runs, the push is refused (git push --no-verify skips it once).

Examples:
  gitguard hook install
  gitguard hook install -C ../service --force`,
    )
    .action(async (opts: { repo?: string; server?: boolean; force?: boolean }) => {
      const gitguard = io.gitguard();
      const { installHook } = await import('../../engine/hook-install.js');
      const res = await installHook({
        path: repoPath(opts),
        server: opts.server,
        force: opts.force,
        env: io.env,
        ...(gitguard ? { gitguard } : {}),
      });
      print(io, res.lines);
      state.exitCode = 0;
    });

  hook
    .command('uninstall')
    .description('remove the gitguard hook and restore the hook it replaced')
    .addOption(repoOption())
    .option('--server', 'remove the pre-receive hook of a bare repository instead')
    .option('--force', 'remove a gitguard hook even if it was edited since it was installed')
    .addHelpText(
      'after',
      `
Examples:
  gitguard hook uninstall
  gitguard hook uninstall --server -C /srv/git/project.git`,
    )
    .action(async (opts: { repo?: string; server?: boolean; force?: boolean }) => {
      const { uninstallHook } = await import('../../engine/hook-install.js');
      const res = await uninstallHook({ path: repoPath(opts), server: opts.server, force: opts.force, env: io.env });
      print(io, res.lines);
      state.exitCode = 0;
    });

  const run = hook.command('run').description("what the installed hooks call (reads the hook's input on stdin)");

  keyOptions(run.command('pre-push'))
    .description(
      'check the refs git is about to push (stdin: "<local ref> <local oid> <remote ref> <remote oid>" lines)',
    )
    .argument('[remote]', "the remote's name (git passes it; under the pre-commit framework, $PRE_COMMIT_REMOTE_NAME)")
    .argument('[url]', "the remote's URL (git passes it; under the pre-commit framework, $PRE_COMMIT_REMOTE_URL)")
    .addOption(repoOption())
    .addHelpText(
      'after',
      `
Called by the pre-push hook as: gitguard hook run pre-push "$@"
Exit codes: 0 the push may go ahead, 1 it is refused, 2 the check could not be done (the push is refused).`,
    )
    .action(
      async (
        remote: string | undefined,
        url: string | undefined,
        opts: { repo?: string; keyring?: string[]; allowedSigners?: string[]; revokedKeys?: string[] },
      ) => {
        const { prePushCheck } = await import('../../engine/prepush.js');
        const e = io.env;
        let input = await io.stdin();
        // The pre-commit framework reads git's stdin itself and passes one ref update in variables.
        if (!input.trim() && e.PRE_COMMIT_TO_REF && e.PRE_COMMIT_FROM_REF) {
          input = `${e.PRE_COMMIT_LOCAL_BRANCH ?? 'HEAD'} ${e.PRE_COMMIT_TO_REF} ${e.PRE_COMMIT_REMOTE_BRANCH ?? e.PRE_COMMIT_LOCAL_BRANCH ?? 'HEAD'} ${e.PRE_COMMIT_FROM_REF}\n`;
        }
        const res = await prePushCheck({
          path: repoPath(opts),
          remote: remote ?? e.PRE_COMMIT_REMOTE_NAME ?? '',
          url: url ?? e.PRE_COMMIT_REMOTE_URL ?? '',
          input,
          env: e,
          trust: trustFlags(opts),
        });
        for (const l of res.lines) io.stderr(`${escapeText(l, 2000)}\n`); // lines carry ref names and identities
        state.exitCode = res.exitCode;
      },
    );

  run
    .command('pre-receive')
    .description('check the ref updates a bare repository receives (stdin: "<old oid> <new oid> <ref>" lines)')
    .addOption(repoOption())
    .addHelpText(
      'after',
      `
Called by the pre-receive hook installed with: gitguard hook install --server
Exit codes: 0 the push is accepted, 1 it is refused, 2 the check could not be done (the push is refused).`,
    )
    .action(async (opts: { repo?: string }) => {
      const { preReceiveCheck } = await import('../../engine/prereceive.js');
      const res = await preReceiveCheck({ path: repoPath(opts), input: await io.stdin(), env: io.env });
      for (const l of res.lines) io.stderr(`${escapeText(l, 2000)}\n`); // lines carry ref names and identities
      state.exitCode = res.exitCode;
    });
}
