// A flow collection (`[...]`, `{...}`) whose later lines stand at or left of its block: libyaml (Ruby's
// Psych, GitLab), its ports YamlDotNet 5.3 (GitHub's workflow reader) and Go's yaml.v3 (Forgejo,
// Gitea) check no indentation inside a flow collection (unroll_indent: "in the flow context, do
// nothing"; leading white space of a flow line is no content), so `branches: [\nmain\n]` is read as
// `[main]`. The parser here refuses it. flowIndented gives the text with those lines indented past
// their block, which the parser here reads as the forges do; undefined where the lines cannot be told
// apart safely (left refused).

/** Whether a parse error is the parser's refusal of a flow collection's indentation. */
export const flowIndentError = (e: { code: string; message: string }): boolean =>
  e.code === 'BAD_INDENT' && e.message.includes('in block collection must be sufficiently indented');

const leading = (line: string): number => line.length - line.trimStart().length;

/**
 * `text` with every line after the first of a flow collection opened in block context prefixed by
 * enough spaces to stand right of the line that opened it; undefined when no line needed it, when a
 * document marker (`---`, `...`) stands at column 0 inside the collection (libyaml reads it as a marker,
 * which the padding would hide), or when the padded text would be over `max` characters (a flow of
 * 30,000 lines under a block indented 60,000 spaces, a 150 KB file, padded to 1.8 GB: node threw
 * "Invalid string length" and the audit stopped as an internal error; left refused).
 */
export function flowIndented(text: string, max: number): string | undefined {
  const lines = text.split('\n');
  const pad: number[] = lines.map(() => 0);
  let depth = 0;
  let openIndent = 0;
  let quote: string | undefined;
  let blockScalar: number | undefined;
  // A plain scalar that ended a block line goes on in the next line right of its parent's column.
  let plainParent: number | undefined;
  let changed = false;
  for (let n = 0; n < lines.length; n++) {
    const line = lines[n]!;
    if (blockScalar !== undefined) {
      // A block scalar's lines: blank or right of the line that opened it (its content, never a node).
      if (line.trim() === '' || leading(line) > blockScalar) continue;
      blockScalar = undefined;
    }
    if (depth > 0) {
      if (/^(?:---|\.\.\.)(?:[ \t\r]|$)/.test(line)) return undefined;
      pad[n] = openIndent + 1;
      // A closing bracket may stand at its block's column; anything else right of it.
      changed ||= leading(line) < openIndent + (/^[ \t]*[\]}]/.test(line) ? 0 : 1);
    }
    // Block context: where a node may start (line start, after `- `, `? `, `: `); in a plain scalar
    // only `: ` (a key's end) starts one.
    const goesOn = plainParent !== undefined && line.trim() !== '' && leading(line) > plainParent;
    let nodeStart = depth === 0 && !quote && !goesOn;
    let plain = goesOn;
    let parentCol = plainParent ?? -1;
    let nodeCol = -1;
    for (let i = 0; i < line.length; i++) {
      const c = line[i]!;
      if (quote === "'") {
        if (c === "'" && line[i + 1] === "'") i++;
        else if (c === "'") quote = undefined;
        continue;
      }
      if (quote === '"') {
        if (c === '\\') i++;
        else if (c === '"') quote = undefined;
        continue;
      }
      if (c === ' ' || c === '\t') continue;
      const prev = i === 0 ? ' ' : line[i - 1]!;
      if (c === '#' && (prev === ' ' || prev === '\t')) {
        plain = false;
        break;
      }
      if (depth === 0) {
        const indicator = /^[ \t\r]?$/.test(line[i + 1] ?? '');
        if (indicator && (c === ':' || (!plain && (c === '-' || c === '?')))) {
          parentCol = c === ':' ? nodeCol : i;
          nodeStart = true;
          plain = false;
          continue;
        }
        if (!nodeStart) continue;
        nodeStart = false;
        nodeCol = i;
        if (c === '[' || c === '{') {
          depth = 1;
          openIndent = leading(line);
        } else if (c === "'" || c === '"') quote = c;
        else if (c === '|' || c === '>') {
          blockScalar = leading(line);
          break;
        } else if (c === '&' || c === '!') {
          // Node properties: the node follows them.
          while (i + 1 < line.length && !/[ \t]/.test(line[i + 1]!)) i++;
          nodeStart = true;
        } else plain = true;
        continue;
      }
      // Flow context: a quote opens a scalar only where a node starts.
      if ((c === "'" || c === '"') && /[[{,:? \t]/.test(prev)) quote = c;
      else if (c === '[' || c === '{') depth++;
      else if (c === ']' || c === '}') depth--;
    }
    if (line.trim() !== '') plainParent = plain && depth === 0 && !quote ? parentCol : undefined;
  }
  if (!changed || pad.reduce((a, b) => a + b, text.length) > max) return undefined;
  return lines.map((l, n) => ' '.repeat(pad[n]!) + l).join('\n');
}
