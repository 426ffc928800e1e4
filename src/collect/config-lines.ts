// Where in its file each config entry was set, for reports that point at a line (SARIF). git does
// not say (--show-origin gives the file only), so each file git named is read as data, bounded and
// never a FIFO or device, and scanned with git's config syntax: the n-th entry of a key that git
// listed from a file is the n-th line in that file that sets the key (git lists in file order).
import { closeSync, constants, fstatSync, openSync, readSync } from 'node:fs';
import { resolve } from 'node:path';
import type { ConfigEntry } from '../domain/model.js';
import { normaliseKey, originFile } from '../domain/config.js';
import { parseConfigText } from './config-syntax.js';

const MAX_BYTES = 4 * 1024 * 1024;

/** The file's text, or undefined when it is not a regular file, is too large, or cannot be read. */
function readBounded(file: string): string | undefined {
  let fd: number | undefined;
  try {
    // O_NONBLOCK: opening a FIFO planted as a config file must not hang us.
    fd = openSync(file, constants.O_RDONLY | (constants.O_NONBLOCK ?? 0));
    const st = fstatSync(fd);
    if (!st.isFile() || st.size > MAX_BYTES) return undefined;
    const buf = Buffer.alloc(st.size);
    let off = 0;
    while (off < buf.length) {
      const n = readSync(fd, buf, off, buf.length - off, off);
      if (n <= 0) break;
      off += n;
    }
    return buf.subarray(0, off).toString('utf8');
  } catch {
    return undefined;
  } finally {
    if (fd !== undefined) closeSync(fd);
  }
}

/** Every variable set in a config text, in order: [normalised key, 1-based line] (git's syntax: config-syntax.ts). */
export function configKeyLines(text: string): Array<[string, number]> {
  return parseConfigText(text).map((e) => [normaliseKey(e.key), e.line]);
}

/** Sets `line` on every entry read from a file, where the file can be read and the key is found. */
export function locateConfigLines(entries: ConfigEntry[], cwd: string): ConfigEntry[] {
  const perFile = new Map<string, Map<string, number[]> | undefined>();
  const seen = new Map<string, number>();
  return entries.map((e) => {
    const file = originFile(e.origin);
    if (!file) return e;
    if (!perFile.has(file)) {
      const text = readBounded(resolve(cwd, file)); // git names a file relative to where it ran
      let keys: Map<string, number[]> | undefined;
      if (text !== undefined) {
        keys = new Map();
        for (const [key, line] of configKeyLines(text)) keys.set(key, [...(keys.get(key) ?? []), line]);
      }
      perFile.set(file, keys);
    }
    const id = `${file}\0${e.key}`;
    const n = seen.get(id) ?? 0;
    seen.set(id, n + 1);
    const line = perFile.get(file)?.get(e.key)?.[n];
    return line ? { ...e, line } : e;
  });
}
