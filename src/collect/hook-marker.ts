// The marker gitguard writes into every hook it installs: `# gitguard-hook v1 sha256=<hex>`, where
// <hex> is the sha256 of the file's content with the marker line removed. `hook install` writes it;
// the hook rules read it back to tell "ours and unmodified" from "ours but edited" from "not ours".
import { createHash } from 'node:crypto';
import { isInstalledHook } from './hook-script.js';

const MARKER_RE = /^# gitguard-hook v1 sha256=([0-9a-f]*)[ \t]*\r?$/m;
const MARKER_LINE_RE = /^# gitguard-hook v1 sha256=[0-9a-f]*[ \t]*\r?\n?/m;

const sha256 = (text: string): string => createHash('sha256').update(text, 'utf8').digest('hex');

/** The marker line (no newline) for a hook whose content, without the marker line, is `content`. */
export function hookMarker(content: string): string {
  return `# gitguard-hook v1 sha256=${sha256(content)}`;
}

/**
 * Whether a hook file carries gitguard's marker, and whether the rest of it is unchanged: the hash
 * matches AND the rest is the script `hook install` writes (hook-script.ts). The hash alone is no
 * proof: anyone can compute it over a hook that runs nothing.
 */
export function checkHookMarker(fileContent: string): 'absent' | 'valid' | 'modified' {
  const m = MARKER_RE.exec(fileContent);
  if (!m) return 'absent';
  const rest = fileContent.replace(MARKER_LINE_RE, '');
  return m[1] === sha256(rest) && isInstalledHook(rest) ? 'valid' : 'modified';
}

/** Puts the marker into a hook script: right after the `#!` line when there is one, else first. */
export function withHookMarker(content: string): string {
  const nl = content.startsWith('#!') ? content.indexOf('\n') : -1;
  const marker = `${hookMarker(content)}\n`;
  return nl >= 0 ? content.slice(0, nl + 1) + marker + content.slice(nl + 1) : marker + content;
}
