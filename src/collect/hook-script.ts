// The hook `gitguard hook install` writes (without its marker, hook-marker.ts): it finds gitguard,
// runs it on git's input, then the hook that was there before. The audit accepts a marked hook only
// when it is this script: the marker's hash alone is no proof, since anyone can compute it over a
// hook that runs nothing. Hooks already installed are not rewritten on upgrade: a change to this
// script must keep accepting what earlier versions wrote (test/fixtures/hooks holds their bytes).

export const CHAINED_SUFFIX = '.gitguard-chained';

export type HookName = 'pre-push' | 'pre-receive';

/** Quotes a string for a POSIX shell, always (the marker check reads these lines back: shellUnquote). */
function shellQuote(s: string): string {
  return `'${s.replace(/'/g, `'\\''`)}'`;
}

/** The hook script (without its marker): finds gitguard, runs it, then the chained hook, same stdin. */
export function hookScript(hook: HookName, gitguard?: { node: string; bin: string }): string {
  const args = hook === 'pre-push' ? ' "$@"' : '';
  const skip =
    hook === 'pre-push'
      ? [
          `  echo "gitguard: to skip this check once (git's own escape hatch, which skips every pre-push hook):" >&2`,
          `  echo "  git push --no-verify" >&2`,
          `  echo "gitguard: to remove the hook: gitguard hook uninstall (or delete $0)" >&2`,
        ]
      : [`  echo "gitguard: the push is refused until gitguard is installed on this server" >&2`];
  return [
    '#!/bin/sh',
    `# Installed by \`gitguard hook install${hook === 'pre-receive' ? ' --server' : ''}\`: checks ${hook === 'pre-push' ? 'what you push' : 'every push received'} with \`gitguard hook run ${hook}\`,`,
    `# then runs the hook that was here before (kept as ${hook}${CHAINED_SUFFIX}) with the same input.`,
    '# Remove it with `gitguard hook uninstall`; do not edit it (gitguard audits that it is unchanged).',
    `GITGUARD_NODE=${shellQuote(gitguard?.node ?? '')}`,
    `GITGUARD_BIN=${shellQuote(gitguard?.bin ?? '')}`,
    `chained="$(dirname "$0")/${hook}${CHAINED_SUFFIX}"`,
    `input=$(mktemp "\${TMPDIR:-/tmp}/gitguard-${hook}.XXXXXX") || exit 1`,
    `trap 'rm -f "$input"' EXIT`,
    `trap 'rm -f "$input"; exit 1' HUP INT TERM`,
    'cat > "$input" || exit 1',
    'if [ -n "$GITGUARD_NODE" ] && [ -x "$GITGUARD_NODE" ] && [ -f "$GITGUARD_BIN" ]; then',
    `  "$GITGUARD_NODE" "$GITGUARD_BIN" hook run ${hook}${args} < "$input"`,
    '  status=$?',
    'elif command -v gitguard >/dev/null 2>&1; then',
    `  gitguard hook run ${hook}${args} < "$input"`,
    '  status=$?',
    'else',
    `  echo "gitguard: not found (neither $GITGUARD_BIN nor gitguard on PATH): the ${hook} check cannot run, so the push is refused" >&2`,
    '  echo "gitguard: install it (in a clone of gitguard: npm ci && npm install -g .), then push again" >&2',
    ...skip,
    '  exit 1',
    'fi',
    'chained_status=0',
    'if [ -f "$chained" ] && [ -x "$chained" ]; then',
    `  "$chained"${args} < "$input"`,
    '  chained_status=$?',
    'fi',
    '[ "$status" -eq 0 ] && [ "$chained_status" -eq 0 ]',
    '',
  ].join('\n');
}

/** A shell-quoted value as shellQuote writes it, or undefined. */
function shellUnquote(q: string): string | undefined {
  if (!/^'(?:[^']|'\\'')*'$/.test(q)) return undefined;
  return q.slice(1, -1).replace(/'\\''/g, "'");
}

/** Whether `content` (a hook without its marker line) is a script hookScript writes, for some node and gitguard. */
export function isInstalledHook(content: string): boolean {
  const value = (name: string): string | undefined => {
    const m = new RegExp(`^${name}=(.*)$`, 'm').exec(content);
    return m ? shellUnquote(m[1]!) : undefined;
  };
  const node = value('GITGUARD_NODE');
  const bin = value('GITGUARD_BIN');
  if (node === undefined || bin === undefined) return false;
  return (['pre-push', 'pre-receive'] as const).some((h) => content === hookScript(h, { node, bin }));
}
