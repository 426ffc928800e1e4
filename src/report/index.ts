import { ExpectedError } from '../errors.js';
import { renderJson } from './json.js';
import { renderText } from './text.js';
import type { Reporter } from './types.js';

export const REPORTERS: Record<string, Reporter> = { text: renderText, json: renderJson };
export const FORMATS = Object.keys(REPORTERS);

export function reporterFor(format: string): Reporter {
  const r = REPORTERS[format];
  if (!r) throw new ExpectedError(`unknown format "${format}"`, `choose one of: ${FORMATS.join(', ')}`);
  return r;
}
