import { ExpectedError } from '../errors.js';
import { renderJson } from './json.js';
import { renderJunit } from './junit.js';
import { renderMarkdown } from './markdown.js';
import { renderSarif } from './sarif.js';
import { renderText } from './text.js';
import type { Reporter } from './types.js';

export const REPORTERS: Record<string, Reporter> = { text: renderText, json: renderJson, sarif: renderSarif, junit: renderJunit, markdown: renderMarkdown };
export const FORMATS = Object.keys(REPORTERS);

export function reporterFor(format: string): Reporter {
  const r = REPORTERS[format];
  if (!r) throw new ExpectedError(`unknown format "${format}"`, `choose one of: ${FORMATS.join(', ')}`);
  return r;
}
