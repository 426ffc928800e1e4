// Which `if:` conditions of a job or step may keep a gitguard under them a gate: one true for some run
// a change starts (push-filters.ts provenTrue: none, `always()`, `github.event_name == 'push'`), or one
// the workflows already carried where the range starts (--base, else the trust root: an accepted
// state, collect/trusted-actions.ts). Any other (`github.actor == 'nobody'`, `contains(...)`, `env.X
// == 'y'` with X set by the change) is the change's word that the gate runs, and a change that adds it
// can make the gate skip itself for every run: such a job or step gates nothing. Without a start
// there is no accepted state, and a condition on what only the run knows may run, as before.
import { provenTrue } from './push-filters.js';

/** An `if:` key as a line of YAML shows it: its indent, and the value's text after it. */
const IF_LINE = /^(\s*(?:-\s+)?)if:(?:\s+(.*))?$/;

/** A condition's text as compared: `${{ }}` taken off, white space collapsed. */
const conditionKey = (text: string): string =>
  text
    .trim()
    .replace(/^\$\{\{([\s\S]*)\}\}$/, '$1')
    .replace(/\s+/g, ' ')
    .trim();

/** A plain or quoted scalar's value as YAML reads it (a trailing comment off). */
function scalarText(raw: string): string {
  const t = raw.trim();
  if (/^'[\s\S]*'$/.test(t)) return t.slice(1, -1).replace(/''/g, "'");
  if (/^"[\s\S]*"$/.test(t)) return t.slice(1, -1).replace(/\\(["\\])/g, '$1');
  return t.replace(/\s+#.*$/, '');
}

/** A line's indent: the spaces before its text or its item's `-`. */
const indentOf = (line: string): number => line.length - line.trimStart().length;
/** What a gate's block names: gitguard, or a local action or reusable workflow (`uses: ./...`) that may run it. */
const GATE_WORD = /gitguard|^\s*(?:-\s+)?uses:\s*["']?\.\//im;

/**
 * Whether the `if:` on line `at` (`key`: where its key starts) sits on a job or step whose block
 * names a gate (GATE_WORD): the item it starts (`- if:`), else the job or item it is a key of (the
 * line above with less indent), with every line more indented than that one after it.
 */
function onGate(lines: readonly string[], at: number, key: number, item: boolean): boolean {
  let top = at;
  if (!item) while (top > 0 && (!lines[top]!.trim() || indentOf(lines[top]!) >= key)) top -= 1;
  const indent = indentOf(lines[top]!);
  const block = [lines[top]!];
  for (let i = top + 1; i < lines.length && (!lines[i]!.trim() || indentOf(lines[i]!) > indent); i += 1)
    block.push(lines[i]!);
  return GATE_WORD.test(block.join('\n'));
}

/**
 * The `if:` values a CI text holds on a job or step that names a gate (onGate), by line (a block
 * scalar `>-`, `|` and a plain scalar's more indented continuation lines joined): a value not read as
 * YAML reads it vouches for nothing, nor one on another job or step (a job merging Dependabot's pull
 * requests, `if: github.actor == 'dependabot[bot]'`: put on the gate, no push of the pusher runs it).
 */
export function conditionsIn(text: string): string[] {
  const lines = text.split('\n');
  const out: string[] = [];
  for (let i = 0; i < lines.length; i += 1) {
    const m = IF_LINE.exec(lines[i]!);
    if (!m || !onGate(lines, i, m[1]!.length, m[1]!.includes('-'))) continue;
    const indent = m[1]!.length;
    const first = (m[2] ?? '').replace(/\s+#.*$/, '').trim();
    const block = /^[>|][+-]?\d*$/.test(first);
    const parts = block ? [] : [first];
    for (; i + 1 < lines.length; i += 1) {
      const next = lines[i + 1]!;
      if (!next.trim()) continue;
      if (next.length - next.trimStart().length <= indent) break;
      if (!block && /^\s*(?:-\s|[\w-]+:(?:\s|$))/.test(next)) break;
      parts.push(next.trim());
    }
    out.push(conditionKey(block ? parts.join(' ') : scalarText(parts.join(' '))));
  }
  return out;
}

/**
 * Whether a job's or step's `if:` leaves a gitguard under it no gate: not true for any run a change
 * starts (provenTrue) and not one of `vouched` (conditionsIn of the workflows where the range starts;
 * undefined: no start, every condition may run).
 */
export function unvouchedCondition(
  condition: unknown,
  vouched: ReadonlySet<string> | undefined,
  branches: readonly string[] | undefined,
  events: readonly string[],
): boolean {
  if (vouched === undefined || provenTrue(condition, branches, events)) return false;
  return !(typeof condition === 'string' && vouched.has(conditionKey(condition)));
}
