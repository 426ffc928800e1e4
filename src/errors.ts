// Two kinds of failure, as in changesets and ESLint: an expected one (the user can fix it: not a
// repository, a bad flag, an unreadable policy) prints one line and exits 2; an internal one is a bug
// in gitguard, says so, asks for a report, and also exits 2. Neither prints a stack unless --debug.

export class ExpectedError extends Error {
  override readonly name = 'ExpectedError';
  constructor(
    message: string,
    readonly hint?: string,
  ) {
    super(message);
  }
}

/**
 * A fact the audited repository made impossible to gather truthfully (more refs than a run reads, an
 * object a full clone should hold that git cannot read): no verdict may stand on what was left out,
 * so the run stops with this one line instead of reporting the rule that needed it as skipped.
 */
export class StopsAuditError extends ExpectedError {}

/**
 * The history that would answer is not in this clone (a shallow clone's boundary): the one reason a
 * run that asks the walk only whether HEAD's policy is vouched for goes on without it (fact-collectors
 * vettingOnly). Anything else the walk's opening refuses (a bad option, a missing trust root) stops it.
 */
export class ShallowHistoryError extends ExpectedError {}

/** git itself failed (exit status, a fatal message) while gitguard asked it for facts. */
/** Whether git's stderr says an allocation failed (its xmalloc, xmmap, zlib): the memory bound on git was reached. */
export const gitOutOfMemory = (stderr: string): boolean =>
  /out of memory|malloc failed|mmap failed|cannot allocate memory/i.test(stderr);

export const GIT_MEMORY_HINT =
  'git reached the memory gitguard allows it: for a huge honest repository set GITGUARD_MAX_GIT_MEMORY=BYTES (4 GiB by default, 0 for no limit)';

export class GitError extends ExpectedError {
  constructor(
    readonly args: readonly string[],
    readonly exitCode: number | null,
    readonly stderr: string,
  ) {
    // Named by its subcommand only (not a `-c` setting's value): the full command line is gitguard's business, not the user's.
    super(
      `git ${args.find((a, i) => !a.startsWith('-') && args[i - 1] !== '-c') ?? ''} failed: ${
        firstLine(
          stderr
            .split('\n')
            .filter((l) => !l.startsWith('hint:'))
            .join('\n'),
        ) || (exitCode === null ? 'it was killed by a signal (it crashed)' : `exit ${exitCode}`)
      }`,
      gitOutOfMemory(stderr)
        ? GIT_MEMORY_HINT
        : 'check the repository with: git fsck (or run gitguard with --debug for details)',
    );
  }
}

// What a failed file operation means, in words (never a bare ENOENT).
const FS_REASONS: Record<string, string> = {
  ENOENT: 'no such file',
  EACCES: 'permission denied',
  EPERM: 'permission denied',
  EISDIR: 'it is a folder',
  ENOTDIR: 'a part of the path is not a folder',
  ELOOP: 'too many symbolic links',
  ENAMETOOLONG: 'the name is too long',
  EEXIST: 'it already exists',
  ENOSPC: 'no space left on the device',
  EROFS: 'the file system is read-only',
  EMFILE: 'too many open files',
  EBUSY: 'the file is busy',
};

/** A short reason for a file-system error: "no such file", "permission denied"... */
export function fsReason(err: unknown): string {
  // safe-fs's refusals carry their own reason (a symlink, a FIFO, too large): say that one.
  const u = err as { reason?: unknown; detail?: unknown };
  if (typeof u?.reason === 'string' && typeof u.detail === 'string')
    return u.reason === 'missing'
      ? 'no such file'
      : u.detail.replace(/^cannot be (?:read|written): /, '').split('; ')[0]!;
  const e = err as NodeJS.ErrnoException;
  return (
    (e?.code && FS_REASONS[e.code]) ??
    firstLine(e?.message ?? String(err))
      .replace(/^[A-Z]+: /, '')
      .replace(/, \w+ '.*'$/, '')
  );
}

/** "cannot read keyring FILE: no such file; <next step>". */
export function fileError(
  verb: 'read' | 'write',
  what: string,
  file: string,
  err: unknown,
  hint: string,
): ExpectedError {
  return new ExpectedError(`cannot ${verb} ${what} ${file}: ${fsReason(err)}`, hint);
}

export function firstLine(text: string): string {
  return (
    text
      .split('\n')
      .map((l) => l.trim())
      .find((l) => l.length > 0) ?? ''
  );
}

export const EXIT = { ok: 0, failed: 1, cannotAudit: 2 } as const;
