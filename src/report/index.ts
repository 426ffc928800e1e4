import { ExpectedError } from '../errors.js';
import type { Reporter } from './types.js';
import { FORMATS, type Format } from './formats.js';

export { FORMATS };
/**
 * One reporter per format name (the type makes a missing or extra one a compile error), each module
 * loaded only when a run asks for its format: the text renderer alone loads chalk.
 */
const REPORTERS: Record<Format, () => Promise<Reporter>> = {
  text: async () => (await import('./text.js')).renderText,
  json: async () => (await import('./json.js')).renderJson,
  sarif: async () => (await import('./sarif.js')).renderSarif,
  junit: async () => (await import('./junit.js')).renderJunit,
  markdown: async () => (await import('./markdown.js')).renderMarkdown,
};

/** `format` when it names a reporter; an unknown one fails (before the audit runs). */
export function checkFormat(format: string): Format {
  if (!Object.hasOwn(REPORTERS, format))
    throw new ExpectedError(`unknown format "${format}"`, `choose one of: ${FORMATS.join(', ')}`);
  return format as Format;
}

export function reporterFor(format: string): Promise<Reporter> {
  return REPORTERS[checkFormat(format)]();
}
