// The signing and transport programs git's config and environment name, as the client rules must
// judge them: git runs gpg.program (or gpg.openpgp.program) to sign and verify, gpg.ssh.program for
// SSH signatures, and for ssh:// remotes GIT_SSH_COMMAND, else the last core.sshCommand, else
// GIT_SSH, else `ssh` from PATH. Pure: the collector (client.ts) resolves and runs what the user
// named, and reports, without running it, what the audited repository's own config names.
import type { ConfigEntry, ToolVersion } from '../domain/model.js';

export interface NamedProgram {
  tool: ToolVersion['tool'];
  /** The program as written: a path or a name to look up on PATH. */
  value: string;
  /** "gpg.program in /home/u/.gitconfig (global)", "GIT_SSH_COMMAND in the environment"... */
  source: string;
  /** Named by the audited repository's own config (local, worktree or unknown scope, or a file inside it). */
  byRepository: boolean;
  /** Why no program can be read from the value (a shell command with quotes, variables...). */
  unreadable?: string;
}

const SIGNING: Record<string, ToolVersion['tool']> = {
  'gpg.program': 'gpg',
  'gpg.openpgp.program': 'gpg',
  'gpg.ssh.program': 'ssh-keygen',
};

// A command git may run without a shell, or whose shell reading is plain words: no quotes,
// variables, redirections or second commands.
const PLAIN_WORDS = /^[A-Za-z0-9_./~+,:@%=-]+(?:[ \t]+[A-Za-z0-9_./~+,:@%=-]+)*$/;

/** The program a shell command runs first, or why it cannot be read without running a shell. */
export function commandProgram(command: string): { program: string } | { unreadable: string } {
  const text = command.trim();
  const first = text.split(/[ \t]+/)[0] ?? '';
  if (!PLAIN_WORDS.test(text) || first.includes('='))
    return {
      unreadable:
        'a shell command (quotes, variables, assignments or several commands): the program it runs cannot be read without running a shell',
    };
  return { program: first };
}

// No program path is longer (PATH_MAX); a longer value is reported, shortened, and never looked up.
const MAX_VALUE = 4096;

/** The entry as given, or shortened and marked unreadable when no program can be that long. */
function bounded(p: NamedProgram): NamedProgram {
  if (p.value.length <= MAX_VALUE) return p;
  return { ...p, value: `${p.value.slice(0, 80)}…`, unreadable: `longer than ${MAX_VALUE} characters` };
}

function origin(e: ConfigEntry): string {
  return e.origin.replace(/^file:/, '');
}

/**
 * The programs to judge besides those on PATH: every gpg.program / gpg.openpgp.program /
 * gpg.ssh.program set, and the one ssh command git would run for a transport, if not plain `ssh`.
 * `inRepository(file)` tells whether a config file lives in the audited repository.
 */
export function configuredPrograms(
  config: readonly ConfigEntry[],
  env: NodeJS.ProcessEnv,
  inRepository: (file: string) => boolean,
): NamedProgram[] {
  const byRepo = (e: ConfigEntry): boolean =>
    e.scope === 'local' ||
    e.scope === 'worktree' ||
    e.scope === 'unknown' ||
    (e.origin.startsWith('file:') && inRepository(origin(e)));
  const out: NamedProgram[] = [];
  for (const e of config) {
    const tool = SIGNING[e.key];
    if (!tool || !e.value) continue;
    out.push(
      bounded({ tool, value: e.value, source: `${e.key} in ${origin(e)} (${e.scope})`, byRepository: byRepo(e) }),
    );
  }
  // The transport's ssh: the environment's GIT_SSH_COMMAND, else the last core.sshCommand, else GIT_SSH.
  const lastSshCommand = [...config].reverse().find((e) => e.key === 'core.sshcommand' && e.value);
  let ssh: (Omit<NamedProgram, 'value' | 'tool'> & { command: string; shell: boolean }) | undefined;
  if (env.GIT_SSH_COMMAND)
    ssh = {
      command: env.GIT_SSH_COMMAND,
      shell: true,
      source: 'GIT_SSH_COMMAND in the environment',
      byRepository: false,
    };
  else if (lastSshCommand?.value)
    ssh = {
      command: lastSshCommand.value,
      shell: true,
      source: `core.sshCommand in ${origin(lastSshCommand)} (${lastSshCommand.scope})`,
      byRepository: byRepo(lastSshCommand),
    };
  else if (env.GIT_SSH)
    ssh = { command: env.GIT_SSH, shell: false, source: 'GIT_SSH in the environment', byRepository: false };
  if (ssh) {
    const read = ssh.shell ? commandProgram(ssh.command) : { program: ssh.command };
    out.push(
      bounded({
        tool: 'ssh',
        value: 'program' in read ? read.program : ssh.command,
        source: ssh.source,
        byRepository: ssh.byRepository,
        ...('unreadable' in read ? { unreadable: read.unreadable } : {}),
      }),
    );
  }
  return out;
}
