import type { ConfigEntry } from '../domain/model.js';
import { defineRepoRule } from './define.js';
import { configFinding } from './lib/config.js';
import { FindingList, notAvailable } from './lib/findings.js';

/** credential.helper and credential.<url>.helper are lists; an empty value clears the list so far. */
function helperLists(config: ConfigEntry[]): Map<string, ConfigEntry[]> {
  const lists = new Map<string, ConfigEntry[]>();
  for (const e of config) {
    if (!(e.key === 'credential.helper' || (e.key.startsWith('credential.') && e.key.endsWith('.helper')))) continue;
    if (!e.value) lists.set(e.key, []);
    else lists.set(e.key, [...(lists.get(e.key) ?? []), e]);
  }
  return lists;
}

export default defineRepoRule({
  id: 'credentials-not-stored-in-plaintext',
  needs: ['config'],
  evaluate(facts, ctx) {
    if (!facts.config.ok) return notAvailable(facts.config.reason);
    const found = new FindingList(ctx.findingLimit);
    let credsInit = 0;
    for (const list of helperLists(facts.config.value).values()) {
      for (const e of list) {
        if (/^store(\s|$)/.test(e.value!.trim())) {
          if (e.credsInit) {
            credsInit += 1;
            continue;
          }
          found.add(
            configFinding(
              e,
              `credential.helper=store (${e.scope}) keeps passwords and tokens unencrypted in ~/.git-credentials`,
            ),
          );
        }
      }
    }
    return found.evaluation(
      'fail',
      credsInit
        ? `${credsInit} credential.helper=store written by Tekton's creds-init into this step's throwaway home (the Secret Kubernetes mounts there anyway): not reported`
        : undefined,
    );
  },
});
