// A CI state read again with the start's vouching set aside. What the start vouches for
// (trusted-actions.ts: remote actions, `if:` conditions, images, variable settings) judges a side's
// gate; but the gate the start had is what must be kept, so a parent whose gate job an image,
// action or condition added since the start unmade still holds the gate a later commit may not
// remove (watched-changes.ts reads both sides again this way, counting only the losses it finds).
// Held for the readings a call starts, through every await (AsyncLocalStorage): the memos keyed by
// trustedKey() and the CI readings' own keys keep the two readings of one text apart.
import { AsyncLocalStorage } from 'node:async_hooks';

const off = new AsyncLocalStorage<true>();

/** Runs `f` with the start's vouching set aside (trusted-actions.ts: what stays judged as at the start). */
export const withoutVouching = <T>(f: () => T): T => off.run(true, f);

/** Whether the reading under way sets the start's vouching aside. */
export const vouchingOff = (): boolean => off.getStore() === true;
