import { ExpectedError } from '../../errors.js';
import { verifyCommits } from '../../engine/verify.js';
import { escapeText, toSafeJson } from '../../domain/escape.js';
import type { Io } from '../io.js';
import { repoPath, trustFlags } from '../options.js';

export interface VerifyFlags {
  repo?: string;
  all?: boolean;
  keyring?: string[];
  allowedSigners?: string[];
  revokedKeys?: string[];
  trustRoot?: string;
  cache: boolean;
  format: string;
}

/** f, remembering up to 4,096 answers. */
function memo(f: (s: string) => string): (s: string) => string {
  const seen = new Map<string, string>();
  return (s) => {
    let r = seen.get(s);
    if (r === undefined) {
      if (seen.size >= 4096) seen.clear();
      seen.set(s, (r = f(s)));
    }
    return r;
  };
}

// Statuses that are not trouble: everything else makes the exit code 1.
const GOOD = new Set(['authorized', 'goodlisted', 'forge']);

/** One line per commit: "<full id> <letter> <signer or -> <status>[:<detail>]", like %H %G? %GF. */
export async function verifyCommand(range: string | undefined, flags: VerifyFlags, io: Io): Promise<number> {
  if (flags.format !== 'text' && flags.format !== 'json')
    throw new ExpectedError(`unknown format "${flags.format}"`, 'choose text or json');
  let bad = 0;
  let count = 0;
  const json: unknown[] = [];
  // Details and signers repeat from commit to commit: escape each distinct one once.
  const escaped = memo((d: string) => escapeText(d, 200).replace(/ /g, '_'));
  const signerText = memo((s: string) => escapeText(s, 100));
  // Lines go out a batch at a time: one write per commit costs more than the verification of a cached one.
  let out: string[] = [];
  const flush = (): void => {
    if (out.length) io.stdout(out.join(''));
    out = [];
  };
  for await (const batch of verifyCommits({
    path: repoPath(flags),
    ...(range ? { range } : {}),
    all: flags.all,
    trust: { ...trustFlags(flags), env: io.env },
  })) {
    for (const { commit, judgement: j, mergetags, policyChange } of batch) {
      count += 1;
      if (!GOOD.has(j.status) || mergetags?.some((m) => m.problem) || policyChange === 'unauthorized') bad += 1;
      if (flags.format === 'json') {
        json.push({
          commit: commit.oid,
          letter: j.verdict.letter,
          format: j.verdict.format,
          signer: j.verdict.signer ?? null,
          signingKey: j.verdict.signingKey ?? null,
          // An SSH certificate's CA ("SHA256:..."), whose cert-authority line took it.
          certAuthority: j.verdict.certAuthority ?? null,
          signedAt: j.verdict.signedAt ?? null,
          status: j.status,
          detail: j.detail,
          signerName: j.signer?.name ?? null,
          // The user ID gpg names as the signer: git's %GS (OpenPGP).
          signerUserId: j.verdict.signerUserId ?? null,
          forge: j.forge?.name ?? null,
          committer: commit.committer.email,
          author: commit.author.email,
          mode: commit.trust.mode,
          policyChange: policyChange ?? null,
          ...(mergetags
            ? {
                mergetags: mergetags.map(({ mergetag: m, judgement: mj, problem }) => ({
                  tag: m.name,
                  tagger: m.tagger?.email ?? null,
                  letter: mj.verdict.letter,
                  signer: mj.verdict.signer ?? null,
                  status: mj.status,
                  detail: mj.detail,
                  problem: problem ?? null,
                })),
              }
            : {}),
        });
      } else {
        const detail = escaped(j.detail);
        const tags = mergetags
          ? mergetags.map((m) => ` mergetag:${m.mergetag.malformed ? 'malformed' : m.judgement.status}`).join('')
          : '';
        const policy = policyChange === 'unauthorized' ? ' policy-change:unauthorized' : '';
        out.push(
          `${commit.oid} ${j.verdict.letter} ${signerText(j.verdict.signer ?? '-')} ${j.status}:${detail}${tags}${policy}\n`,
        );
      }
    }
    flush(); // once per batch: lines do not outlive the commits they describe
  }
  if (flags.format === 'json') io.stdout(`${toSafeJson({ schemaVersion: 1, commits: json })}\n`);
  if (count === 0) io.stderr('gitguard: no commits in scope\n');
  return bad ? 1 : 0;
}
