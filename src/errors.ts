// Two kinds of failure, as in changesets and ESLint: an expected one (the user can fix it: not a
// repository, a bad flag, an unreadable policy) prints one line and exits 2; an internal one is a bug
// in gitguard, says so, asks for a report, and also exits 2. Neither prints a stack unless --debug.

export class ExpectedError extends Error {
  override readonly name = 'ExpectedError';
  constructor(message: string, readonly hint?: string) {
    super(message);
  }
}

/** git itself failed (exit status, a fatal message) while gitguard asked it for facts. */
export class GitError extends ExpectedError {
  constructor(readonly args: readonly string[], readonly exitCode: number | null, readonly stderr: string) {
    super(`git ${args.filter((a) => !a.startsWith('--format=')).slice(0, 3).join(' ')} failed: ${firstLine(stderr.split('\n').filter((l) => !l.startsWith('hint:')).join('\n')) || `exit ${exitCode}`}`);
  }
}

export function firstLine(text: string): string {
  return text.split('\n').map((l) => l.trim()).find((l) => l.length > 0) ?? '';
}

export const EXIT = { ok: 0, failed: 1, cannotAudit: 2 } as const;
