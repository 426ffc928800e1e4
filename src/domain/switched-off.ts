// A CI step or job that never runs, or whose failure fails nothing, read from its keys alone
// (GitHub's and GitLab's): the part of the gate's reading both forges share.

/** A literal `false` / `${{ false }}` (an expression could go either way: it counts as running). */
export const literally = (v: unknown, want: boolean): boolean =>
  v === want || (typeof v === 'string' && new RegExp(`^\\s*(?:\\$\\{\\{\\s*)?${want}(?:\\s*\\}\\})?\\s*$`).test(v));

/**
 * A step or job that never runs, or whose failure fails nothing: GitHub's `if: false`,
 * `continue-on-error: true`; GitLab's `allow_failure` (true, or exit codes that let gitguard's pass), `when:
 * manual` (allowed to fail unless told otherwise), `never` or `on_failure` (runs only after a job failed).
 */
export function switchedOff(get: (key: string) => unknown): boolean {
  const allow = get('allow_failure');
  const when = get('when');
  return (
    literally(get('if'), false) ||
    literally(get('continue-on-error'), true) ||
    literally(allow, true) ||
    (allow !== undefined && typeof allow === 'object' && !(allow && strictExitCodes(allow))) ||
    when === 'manual' ||
    when === 'never' ||
    when === 'on_failure'
  );
}

/**
 * GitLab's `allow_failure: { exit_codes: }` (as plainValue gives it) that lets no exit of gitguard's
 * pass: an integer or a non-empty list of them, neither 1 (a failed audit) nor 2 (an error).
 */
function strictExitCodes(allow: object): boolean {
  const codes: unknown = allow instanceof Map ? (allow as Map<unknown, unknown>).get('exit_codes') : undefined;
  const list: unknown[] = Array.isArray(codes) ? codes : [codes];
  return list.length > 0 && list.every((c) => Number.isInteger(c) && c !== 1 && c !== 2);
}
