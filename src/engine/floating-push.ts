// A pushed move of a floating tag (protected.floating_tags), judged alike by the pre-push and the
// server's pre-receive hook: forward, and the pushed tag object a maintainer's signed tag of its name.
import { floatingMove } from '../collect/floating-move.js';
import type { Shadow } from '../collect/git.js';
import { available, unavailable, type Available } from '../domain/model.js';
import type { TrustedTag } from '../domain/trust.js';
import { floatingMoveRefusal } from '../rules/lib/floating-tag.js';
import type { HistorySession } from './history-session.js';

/** undefined when moving `ref` from `old` to `now` is a floating tag's release; else why it is not. */
export async function floatingPushRefusal(
  session: HistorySession | undefined,
  shadow: Shadow,
  ref: string,
  old: string,
  now: string,
): Promise<string | undefined> {
  const move = await floatingMove(shadow, old, now).catch(() => ({}));
  let tag: Available<TrustedTag[]>;
  try {
    const t = session?.judgeTag ? await session.judgeTag(now, ref) : undefined;
    tag = session?.judgeTag ? available(t ? [t] : []) : unavailable('the pushed objects were not read');
  } catch (err) {
    tag = unavailable(err instanceof Error ? err.message : String(err));
  }
  return floatingMoveRefusal(tag, { name: ref, current: now, floating: move });
}
