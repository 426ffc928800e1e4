// git prefers the packs of a repository's own object store to those of the stores it borrows from
// (packfile.c sort_pack: local packs first, then the newest). gitguard's shadow borrowed every store
// through alternates, so none was local there and the newest pack won: a borrowed store holding a
// newer pack with other bytes under the id of a committed token's blob gave gitguard's scan the
// harmless text, while git log -p, git show and a clone of the repository gave the token. So the
// packs of the repository's own store (and of a push's quarantine, which receive-pack reads as its
// own and then moves in) are linked into the shadow's pack folder: local there, as they are to git,
// and ordered by the same times (git stats through the link). Its loose objects stay borrowed: git
// reads loose objects after every pack, store by store in the same order either way. Every pack git
// would open counts, whatever its name: git takes any `<name>.idx` beside a `<name>.pack` (packfile.c
// prepare_pack, add_packed_git), so a newer `extra.pack` of the repository, borrowed in the shadow
// while only `pack-<hex>` was linked, gave git its bytes and gitguard the older pack's.
import { mkdirSync, readdirSync, symlinkSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';

/** The files of a pack git reads objects through, under any name: its data, its index and its reverse index. */
const PACK_PART = /\.(?:pack|idx|rev)$/;

/** Links every pack of `stores` (object folders) into `shadowObjects`/pack. */
export function linkOwnPacks(shadowObjects: string, stores: readonly string[]): void {
  for (const store of stores) {
    let names: string[];
    try {
      names = readdirSync(join(store, 'pack'));
    } catch {
      continue; // no pack folder: nothing of it is local
    }
    for (const name of names)
      if (PACK_PART.test(name))
        try {
          symlinkSync(join(store, 'pack', name), join(shadowObjects, 'pack', name));
        } catch {
          // the same pack (same name, same bytes) in two of the stores: one link is enough
        }
  }
}

/** An empty bare git dir at `gitDir` (made here) for `objectFormat`, with nothing of the audited repository's config. */
export function writeBareGitDir(gitDir: string, objectFormat: 'sha1' | 'sha256'): void {
  for (const d of ['objects/info', 'objects/pack', 'refs/heads', 'refs/tags'])
    mkdirSync(join(gitDir, d), { recursive: true });
  writeFileSync(join(gitDir, 'HEAD'), 'ref: refs/heads/main\n');
  const v1 = objectFormat === 'sha256';
  writeFileSync(
    join(gitDir, 'config'),
    [
      '[core]',
      `\trepositoryformatversion = ${v1 ? 1 : 0}`,
      '\tbare = true',
      '\tcommitGraph = false',
      '\tfsmonitor = false',
      '[log]',
      '\tmailmap = false',
      '[gc]',
      '\tauto = 0',
      ...(v1 ? ['[extensions]', '\tobjectformat = sha256'] : []),
      '',
    ].join('\n'),
  );
}
