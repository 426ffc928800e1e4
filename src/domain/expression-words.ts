// GitHub's `${{ x }}` in a command line split on spaces: the runner puts the value in before the
// shell (or the action's `read -a`) splits the line, so each expression is one word again.

/**
 * The words with each `${{ x }}` one word again: the runner puts the value in before the shell splits
 * the line (`--base ${{ github.event.before }}` is one option value; the shell reading split it in three).
 */
export function expressionWords(words: readonly string[]): string[] {
  const out: string[] = [];
  let open = false;
  for (const w of words) {
    if (open) out[out.length - 1] += ` ${w}`;
    else out.push(w);
    const last = out[out.length - 1]!;
    open = last.lastIndexOf('${{') > last.lastIndexOf('}}');
  }
  return out;
}
