// Clean workflows 27: in a Tekton step, creds-init turns the Secrets annotated tekton.dev/git-* into
// `[credential] helper = store` (and a username per URL) in the step's /tekton/creds/.gitconfig, which
// Tekton's entrypoint copies into $HOME, with the password in $HOME/.git-credentials: every Task that
// ran gitguard failed credentials-not-stored-in-plaintext, though the home is thrown away with the pod
// and the password is the Secret Kubernetes mounts there anyway. Recognised by where (the global
// config is a byte-for-byte copy of what creds-init wrote in a Tekton folder) and what (creds-init's
// exact shape): not reported, counted in the note. Twins: the same helper on a developer's machine,
// a copy a step then added to, and a creds-init folder holding something else still fail. Real git
// reads the config; the Tekton folder is a temp folder given to the collector (it is /tekton/creds).
import { mkdirSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { collectConfig } from '../../src/collect/config.js';
import { CREDS_INIT_DIRS } from '../../src/collect/creds-init.js';
import { discoverRepository } from '../../src/collect/repository.js';
import rule from '../../src/rules/credentials-not-stored-in-plaintext.js';
import { evaluate, withConfig } from '../helpers/facts.js';
import { cleanupTemp, makeRepo, tempDir } from '../helpers/repo.js';

afterAll(cleanupTemp);

const CREDS_INIT = '[credential]\n\thelper = store\n[credential "https://github.com"]\n\tusername = tekton-bot\n';

/** The rule's outcome and note on a repository whose global config is `home`, with creds-init's folder holding `written`. */
async function judge(home: string, written: string | undefined): Promise<{ outcome: string; note?: string }> {
  const r = makeRepo();
  r.commit('one');
  writeFileSync(join(r.home, '.gitconfig'), home);
  const creds = join(tempDir('gg-cw27-'), 'tekton', 'creds');
  mkdirSync(creds, { recursive: true });
  if (written !== undefined) writeFileSync(join(creds, '.gitconfig'), written);
  const config = await collectConfig(await discoverRepository(r.dir), r.env, [creds]);
  const ev = evaluate(rule, withConfig(...config));
  return { outcome: ev.outcome, ...(ev.note ? { note: ev.note } : {}) };
}

test('the folders are where Tekton writes them', () => {
  expect(CREDS_INIT_DIRS).toEqual(['/tekton/creds', '/tekton/home']);
});

test("a Tekton step's home, a copy of creds-init's .gitconfig: not reported, counted in the note", async () => {
  const got = await judge(CREDS_INIT, CREDS_INIT);
  expect(got.outcome).toBe('pass');
  expect(got.note).toMatch(/1 credential\.helper=store written by Tekton's creds-init .*: not reported/);
});

test("twin: the same store helper on a developer's machine (no creds-init folder): fails", async () => {
  expect((await judge(CREDS_INIT, undefined)).outcome).toBe('fail');
});

test('twin: the home config a step added to after the copy, or creds-init folder of another shape: fails', async () => {
  expect((await judge(`${CREDS_INIT}[core]\n\teditor = vi\n`, CREDS_INIT)).outcome).toBe('fail');
  const other = '[credential]\n\thelper = store\n[include]\n\tpath = /elsewhere\n';
  expect((await judge(other, other)).outcome).toBe('fail');
});
