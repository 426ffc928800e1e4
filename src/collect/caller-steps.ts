// A composite action runs as steps of the job that calls it (`uses: ./.github/actions/gate`): its
// steps come after the caller's earlier steps and see what they did ($GITHUB_PATH lines, programs
// written in ~ or the checkout). The action's text is read alone (github-gate.ts gateSteps, memoised
// by text), so the caller's earlier steps that run files of the checkout (earlier-steps.ts Earlier,
// read at the commit) are put in front of each of its gates here: the action gates only where they
// change nothing. A step that loses the gate before the call is lostReferences' (ci-references.ts).
import type { Earlier } from '../domain/earlier-steps.js';
import { referencesOfValues } from '../domain/ci-references.js';
import { gateSteps, UNREAD, type StepReading } from './github-gate.js';
import { memo } from './ci-yaml-memo.js';
import { gateKey } from './gate-branches.js';
import { fetchKey } from './vouched-fetches.js';
import { eachLeg } from './leg-steps.js';

/** The caller's earlier steps that run checkout files, before a composite action (ReadText's third item). */
export type Caller = readonly Earlier[];
/** A CI text read: the text, whether a workflow that starts calls it, its caller's earlier steps, and its path. */
export type ReadText = readonly [text: string, called: boolean, caller?: Caller, path?: string];

/**
 * The earlier steps before a CI text's call of the local file `ref`, after those before the text's
 * own call (`inherited`), where `origin` is GitHub's: none where one call has none before it, else
 * the first call's (each call alone is a real run of the action).
 */
export async function callerEarlier(
  text: string,
  origin: string,
  ref: string,
  inherited: Caller,
  path?: string,
): Promise<Caller> {
  if (origin === '.gitlab-ci.yml') return [];
  return [...inherited, ...((await callsIn(text, origin, path)).get(ref) ?? [])];
}

/** `path`: the text's own (its jobs' vouched fetch-and-run lines: vouched-fetches.ts). */
function callsIn(text: string, origin: string, path?: string): Promise<ReadonlyMap<string, Caller>> {
  return memo(`caller earlier ${origin} ${gateKey()} ${fetchKey(path)}`, text, async () => {
    const out = new Map<string, Caller>();
    const r = await gateSteps(text, true, path);
    if (r === UNREAD) return out;
    for (const [uses, before] of r.calls ?? [])
      for (const ref of referencesOfValues([uses], origin)) {
        const had = out.get(ref);
        if (!had || !before.length) out.set(ref, had?.length === 0 ? had : before);
      }
    return out;
  });
}

/** A text's steps (gateSteps, its path's vouched lines) as its caller's job runs them (withCaller). */
export async function readingOf([text, called, caller, path]: ReadText): Promise<StepReading | typeof UNREAD> {
  const r = await gateSteps(text, called, path);
  return r === UNREAD ? r : withCaller(r, caller);
}

/**
 * A called text's reading as its caller's job runs it: `caller`, the caller's earlier steps, before
 * each of its steps' own and each pending gitguard action; a mention gates only where they change nothing.
 */
function withCaller(r: StepReading, caller: Caller | undefined): StepReading {
  if (!caller?.length) return r;
  const pending = (r.pending ?? []).map((p) => [...caller, ...p]);
  return {
    ...r,
    mention: false,
    pending: r.mention ? [...pending, caller] : pending,
    steps: r.steps.map((step) => eachLeg(step, (s) => ({ ...s, before: [...caller, ...(s.before ?? [])] }))),
  };
}
