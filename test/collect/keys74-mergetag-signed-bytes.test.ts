// The signed tags a merge carries in its "mergetag" headers, as git 2.39 checks them (`git log
// --show-signature`, log-tree.c show_one_mergetag: the header's value with its continuation lines
// unfolded, split by parse_signature as verify-tag splits a tag): gitguard must verify the same
// payload and signature git hands to gpg or ssh-keygen for each one, or refuse the tag. The object
// differential compares the merge's own signature only; this asks git through the stand-in program
// (test/helpers/signed-bytes.ts) for every embedded tag.
import { execFileSync } from 'node:child_process';
import { join } from 'node:path';
import { embeddedTags } from '../../src/collect/mergetags.js';
import { objectId, parseCommitObject } from '../../src/collect/commit-object.js';
import { parseTagObject } from '../../src/collect/tag-object.js';
import { makeRepo, cleanupTemp, type TestRepo } from '../helpers/repo.js';
import { gitMergetagSignedBytes } from '../helpers/signed-bytes.js';

afterAll(cleanupTemp);

const PGP = '-----BEGIN PGP SIGNATURE-----\n\niQEzBAABCAAdFiEE\n=abcd\n-----END PGP SIGNATURE-----\n';
const SSH = '-----BEGIN SSH SIGNATURE-----\nU1NIU0lH\n-----END SSH SIGNATURE-----\n';
const WHO = 'A <a@x> 1700000000 +0000';

let r: TestRepo;
let tree: string;
let base: string;
let tagged: string;
const write = (type: string, body: string): string =>
  execFileSync('git', ['hash-object', '-t', type, '-w', '--literally', '--stdin'], {
    cwd: r.dir,
    env: r.env,
    input: body,
  })
    .toString()
    .trim();

beforeAll(() => {
  r = makeRepo({ bare: true });
  tree = write('tree', '');
  base = write('commit', `tree ${tree}\nauthor ${WHO}\ncommitter ${WHO}\n\nbase\n`);
  tagged = write('commit', `tree ${tree}\nparent ${base}\nauthor ${WHO}\ncommitter ${WHO}\n\nside\n`);
});

/** A tag object's text naming the side commit (OBJECT), `head` after the tagger, then the message and `sig`. */
const tag = (head: string, message: string, sig: string): string =>
  `object OBJECT\ntype commit\ntag v1\ntagger T <t@x> 1700000000 +0000\n${head ? `${head}\n` : ''}\n${message}${sig}`;

/** A merge of base and the side commit carrying `tags`, each as git writes a mergetag (commit.c add_extra_header). */
function merge(tags: string[], after = ''): string {
  const headers = tags.map((t) => `mergetag ${t.replace(/\n$/, '').split('\n').join('\n ')}\n`).join('');
  return write(
    'commit',
    `tree ${tree}\nparent ${base}\nparent ${tagged}\nauthor ${WHO}\ncommitter ${WHO}\n${headers}${after}\nMerge tag 'v1'\n`,
  );
}

const show = (b: Buffer): string => JSON.stringify(b.toString('latin1'));

// [what, the embedded tags]
const cases: Array<[string, string[]]> = [
  ['a signed tag, as `git merge --no-ff v1` writes it', [tag('', 'release\n', PGP)]],
  ['an SSH-signed tag', [tag('', 'release\n', SSH)]],
  ['a tag whose message has blank lines (git writes them as a lone space)', [tag('', 'one\n\n\ntwo\n\n', PGP)]],
  ['an unsigned tag (nothing to check)', [tag('', 'release\n', '')]],
  ['an unsigned tag, then a signed one', [tag('', 'first\n', ''), tag('', 'second\n', PGP)]],
  ['two signed tags', [tag('', 'first\n', PGP), tag('', 'second\n', SSH)]],
  ['a gpgsig header inside the tag (verify-tag cuts it from the payload)', [tag('gpgsig x\n y', 'release\n', PGP)]],
  ['an armor line in the message before the signature', [tag('', 'see\n-----BEGIN PGP SIGNATURE-----\nx\n', PGP)]],
  ['two signatures at the end', [tag('', 'release\n', PGP + PGP)]],
  ['a CRLF message and signature', [tag('', 'release\r\n', PGP.replace(/\n/g, '\r\n'))]],
  ['a tag with no newline after its signature', [tag('', 'release\n', PGP.trimEnd())]],
  ['no blank line before the message (git still finds the signature)', [tag('', 'x', PGP).replace('\n\nx', '\nx')]],
  ['a tag of a non-parent', [tag('', 'release\n', PGP).replace('OBJECT', 'f'.repeat(40))]],
];

test.each(cases)('%s: gitguard verifies what git hands to the program, or refuses the tag', (what, tags) => {
  const oid = merge(tags.map((t) => t.replace('OBJECT', tagged)));
  const raw = execFileSync('git', ['cat-file', 'commit', oid], { cwd: r.dir, env: r.env });
  const commit = parseCommitObject(oid, raw);
  const git = gitMergetagSignedBytes(r, oid, commit.signatures.length > 0, join(r.home, 'capture-mergetag'));
  const ours = embeddedTags(raw).flatMap((body): Array<'refused' | { payload: Buffer; signature: Buffer }> => {
    const t = parseTagObject(objectId('tag', body, 'sha1'), body);
    if (t.malformed) return ['refused'];
    return t.signature === undefined ? [] : [{ payload: t.payload, signature: Buffer.from(t.signature) }];
  });
  // A tag gitguard refuses is E whatever git checks in it (mergetag:malformed, exit 1): one per case.
  if (ours.includes('refused')) {
    expect(ours).toEqual(['refused']);
    return;
  }
  // What git checks, tag by tag: gitguard checks the same bytes.
  expect(ours.length).toBe(git.length);
  git.forEach((g, i) => {
    const o = ours[i] as { payload: Buffer; signature: Buffer };
    expect(show(o.payload)).toBe(show(g.payload));
    expect(show(o.signature)).toBe(show(g.signature));
  });
  // Every case but these two has git check a signature: the comparison is not vacuous.
  expect(git.length > 0 || /^(an unsigned tag|no blank line)/.test(what)).toBe(true);
});
