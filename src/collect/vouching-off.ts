// A CI state read again with the start's vouching set aside. What the start vouches for
// (trusted-actions.ts: remote actions, `if:` conditions, images, variable settings, GitLab's includes
// of files no file here holds and the template jobs they merge into; vouched-fetches.ts: the
// fetch-and-run lines each job ran) judges a side's
// gate; but the gate the start had is what must be kept, so a parent whose gate job an image,
// action, condition, include or fetched address changed since the start unmade still holds the gate
// a later commit may not
// remove (watched-changes.ts reads both sides again this way, counting only the losses it finds).
// Held for the readings a call starts, through every await (AsyncLocalStorage): the memos keyed by
// trustedKey() and the CI readings' own keys keep the two readings of one text apart.
import { AsyncLocalStorage } from 'node:async_hooks';

const off = new AsyncLocalStorage<true>();

/** Runs `f` with the start's vouching set aside (trusted-actions.ts: what stays judged as at the start). */
export const withoutVouching = <T>(f: () => T): T => off.run(true, f);

/** Whether the reading under way sets the start's vouching aside. */
export const vouchingOff = (): boolean => off.getStore() === true;

/**
 * A set that holds every text (the start's entries, where given, are what it lists): what a reading
 * with the start's vouching set aside vouches for. Never empty, so a reading that skips an empty
 * set (fetched-code.ts: no line vouched for) reads it as holding all.
 */
export class Every extends Set<string> {
  constructor(listed: Iterable<string> = ['\0every']) {
    super(listed);
  }
  override has(): boolean {
    return true;
  }
}

/** Every fetch-and-run line: each a side's own where the start's vouching is set aside. */
export const EVERY_LINE: ReadonlySet<string> = new Every();
