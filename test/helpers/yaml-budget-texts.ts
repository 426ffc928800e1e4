// CI texts and runs for the YAML budget's tests: a workflow padded with comments (the cheapest bytes to
// parse) to a size, distinct per `n`, and a run of its own with a budget.
import { inRun } from '../../src/collect/run-context.js';

export const KiB = 1024;

/** `head` then comment lines distinct per `n` until the padding reaches `size` bytes. */
export function padded(head: string, n: number, size: number): string {
  const lines = [head];
  for (let k = 0, length = 0; length < size; k += 1) {
    const line = `# padding ${k} of ${n}: ${'x'.repeat(64)}\n`;
    lines.push(line);
    length += line.length;
  }
  return lines.join('');
}

/** `f` in a run of its own whose YAML budget is `mb` MiB. */
export const inBudget = <T>(mb: number, f: () => Promise<T>): Promise<T> =>
  inRun({ env: { ...process.env, GITGUARD_YAML_PARSE_MB: String(mb) }, secrets: new Set() }, f);
