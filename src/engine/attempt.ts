// A collector's failure as a fact that is not available, with the first line of its error as the
// reason, but for an error that stops the audit (StopsAuditError).
import { available, unavailable, type Available } from '../domain/model.js';
import { firstLine, StopsAuditError } from '../errors.js';

/** `fn`'s value as an available fact, or why it is not. */
export async function attempt<T>(fn: () => Promise<T> | T): Promise<Available<T>> {
  try {
    return available(await fn());
  } catch (err) {
    // More refs than a run reads, an object a full clone cannot read: the error says what to do.
    if (err instanceof StopsAuditError) throw err;
    return unavailable(firstLine((err as Error).message));
  }
}
