import { ExpectedError } from '../errors.js';
import { renderJson } from './json.js';
import { renderJunit } from './junit.js';
import { renderMarkdown } from './markdown.js';
import { renderSarif } from './sarif.js';
import { renderText } from './text.js';
import type { Reporter } from './types.js';
import { FORMATS, type Format } from './formats.js';

export { FORMATS };
/** One reporter per format name (the type makes a missing or extra one a compile error). */
const REPORTERS: Record<Format, Reporter> = {
  text: renderText,
  json: renderJson,
  sarif: renderSarif,
  junit: renderJunit,
  markdown: renderMarkdown,
};

export function reporterFor(format: string): Reporter {
  const r = (REPORTERS as Record<string, Reporter>)[format];
  if (!r) throw new ExpectedError(`unknown format "${format}"`, `choose one of: ${FORMATS.join(', ')}`);
  return r;
}
