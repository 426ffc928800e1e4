import type { ConfigEntry } from '../domain/model.js';
import { gitBool } from '../domain/config.js';
import { defineRepoRule } from './define.js';
import { conditionNote, configFinding, everyWorktreeConfig, unsetStep } from './lib/config.js';
import { FindingList, notAvailable } from './lib/findings.js';

// Settings that let a server do more than git allows it by default:
// - sideband.allowControlCharacters (git 2.55+, also per URL as sideband.<url>.allowControlCharacters):
//   what git prints of the messages a server sends on fetch, push, clone and ls-remote. git 2.55 masks
//   every control character but colours (the CVE-2024-52005 fix); `true` (or any true boolean, or a
//   key with no value) lets all of them through, so a server moves the cursor, erases or rewrites what
//   the terminal showed, and on some terminals types into it; `cursor` and `erase` let those through.
//   git reads a boolean first, else a comma-separated list of color, cursor, erase, true, false
//   (sideband.c): `true` allows all and `false` none, from where they stand in the list.
// - promisor.acceptFromServer (git 2.49+): which promisor remotes a server may name in its
//   `promisor-remote` capability; an accepted one lets the server leave objects out of what it sends,
//   fetched later from that remote. `all` accepts any name and URL, `knownName` any URL under the name
//   of a remote the client has (git-config(1): "not very secure"); `knownUrl` and `none` (the
//   default) are git's safe ones. Read case-insensitively (strcasecmp); other values are none.
// - promisor.acceptFromServerUrl (git's master after 2.55): URL globs for which the client accepts an
//   advertised remote, writes it into the repository's config and stores the tokens the server sends.
// In the repository's local or worktree config each is whatever the repository (or a downloaded
// archive) planted: fail. In the user's own (global, system, command line) config it is their choice
// for servers they trust: `all`, `knownName` or a widened sideband warn there; their own URL globs,
// the documented way to allow a remote, are not reported.
const REPOSITORY = new Set(['local', 'worktree']);
const SIDEBAND = /^sideband\.(?:(.+)\.)?allowcontrolcharacters$/;
const ACCEPT = 'promisor.acceptfromserver';
const ACCEPT_URL = 'promisor.acceptfromserverurl';

/** What git 2.55 prints raw of a server's messages beyond colours for this value ('' if nothing more). */
function sidebandWidening(value: string | null): string {
  const b = gitBool(value);
  if (b !== undefined) return b ? 'every control character' : '';
  let all = false;
  const kinds = new Set<string>();
  for (const word of value!.split(',')) {
    if (word === 'true' || word === 'false') {
      all = word === 'true';
      kinds.clear();
    } else if (word === 'cursor' || word === 'erase') kinds.add(word);
    // `color` is the default; git 2.55 warns about any other word (and repeats it), a later git skips it.
  }
  if (all) return 'every control character';
  return [...kinds].map((k) => (k === 'cursor' ? 'cursor movements' : 'erasing sequences')).join(' and ');
}

/** Why the key's value lets a server do more than git's default (undefined: it does not). */
function widening(e: ConfigEntry): string | undefined {
  const url = SIDEBAND.exec(e.key);
  if (url) {
    const what = sidebandWidening(e.value);
    const server = url[1] ? `the server at ${url[1]}` : 'every server';
    return what
      ? `${server} may print ${what} to your terminal in its messages on fetch, push and clone, which git 2.55 masks (the CVE-2024-52005 fix), to hide or rewrite what git showed`
      : undefined;
  }
  if (e.key === ACCEPT) {
    const v = (e.value ?? '').replace(/[A-Z]/g, (c) => c.toLowerCase());
    if (v === 'all')
      return 'a server may name any promisor remote (name and URL), and leave out of what it sends the objects it says that remote holds';
    if (v === 'knownname')
      return 'a server may name any URL for one of your remotes as a promisor remote, and leave out of what it sends the objects it says that remote holds';
    return undefined;
  }
  if (e.key === ACCEPT_URL && e.value)
    return "a server advertising a URL that matches it makes git add that remote to the repository's config and store the tokens it sends";
  return undefined;
}

/** Per key, its last entry: what git reads where no later value overrides it. */
function lastOf(entries: readonly ConfigEntry[]): ConfigEntry[] {
  const last = new Map<string, ConfigEntry>();
  for (const e of entries) if (e.key !== ACCEPT_URL) last.set(e.key, e);
  return [...last.values()];
}

export default defineRepoRule({
  id: 'server-trust-not-widened',
  needs: ['config', 'worktree-config'],
  evaluate(facts, ctx) {
    const every = everyWorktreeConfig(facts);
    if (!every.ok) return notAvailable(every.reason);
    const here = facts.config.ok ? facts.config.value : [];
    const found = new FindingList(ctx.findingLimit);
    let planted = false;
    const report = (e: ConfigEntry, why: string): void => {
      const theirs = REPOSITORY.has(e.scope);
      planted ||= theirs;
      const next = theirs
        ? `next: if you set it yourself for a server you trust, set it in your global config instead, then: ${unsetStep(e)}`
        : `next: keep it only if every server you reach is trusted, else: ${unsetStep(e)}`;
      found.add(configFinding(e, `${e.key}=${e.value ?? '(true)'} (${e.scope})${conditionNote(e)}: ${why}; ${next}`));
    };
    const judged = (e: ConfigEntry): boolean => SIDEBAND.test(e.key) || e.key === ACCEPT || e.key === ACCEPT_URL;
    // Each URL glob counts (git reads every one); the other keys' last value in each place decides.
    for (const e of every.value) {
      const why = e.key === ACCEPT_URL && REPOSITORY.has(e.scope) ? widening(e) : undefined;
      if (why) report(e, why);
    }
    // Here: the repository's own last value, read whenever no command line overrides it, else the last.
    const ours = here.filter(judged);
    const theirs = new Map(lastOf(ours.filter((e) => REPOSITORY.has(e.scope))).map((e) => [e.key, e]));
    for (const last of lastOf(ours)) {
      const e = [theirs.get(last.key) ?? last, last].find((x) => widening(x) !== undefined);
      if (e) report(e, widening(e)!);
    }
    // Another worktree's config.worktree, a file an includeIf takes in only elsewhere: its own last values.
    const elsewhere = (facts.worktreeConfig?.ok ? facts.worktreeConfig.value : []).filter(
      (e) => judged(e) && REPOSITORY.has(e.scope),
    );
    for (const place of new Set(elsewhere.map((e) => e.worktreeGitDir ?? e.origin)))
      for (const e of lastOf(elsewhere.filter((o) => (o.worktreeGitDir ?? o.origin) === place))) {
        const why = widening(e);
        if (why) report(e, why);
      }
    return found.evaluation(planted ? 'fail' : 'warn');
  },
});
