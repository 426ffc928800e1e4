// Many small objects written into a repository by one git: node lays them out as a pack and
// `git index-pack` indexes it. 100,000 loose objects written by node cost ~5 CPU-s (a file and a
// zlib stream each) and a git process per object minutes; as one pack, ~0.6 CPU-s. index-pack
// checks each object's id, not what a tree points at, so it takes trees too deep for fast-import.
import { createHash } from 'node:crypto';
import type { TestRepo } from './repo.js';

const TYPE_CODE = { commit: 1, tree: 2, blob: 3 } as const;
export type ObjectType = keyof typeof TYPE_CODE;

/** A tree entry's raw bytes: `mode name\0` and the 20-byte id. */
export const treeEntry = (mode: string, name: string, oid: string): Buffer =>
  Buffer.concat([Buffer.from(`${mode} ${name}\0`), Buffer.from(oid, 'hex')]);

function adler32(b: Buffer): number {
  let a = 1;
  let s = 0;
  for (let i = 0; i < b.length; i++) {
    a = (a + b[i]!) % 65521;
    s = (s + a) % 65521;
  }
  return ((s << 16) | a) >>> 0;
}

/** A zlib stream of stored (uncompressed) blocks: node's deflate costs ~30 µs a call to set up, this nothing. */
function zlibStored(body: Buffer): Buffer {
  const parts: Buffer[] = [Buffer.from([0x78, 0x01])];
  for (let at = 0; at === 0 || at < body.length; at += 0xffff) {
    const chunk = body.subarray(at, at + 0xffff);
    const last = at + 0xffff >= body.length ? 1 : 0;
    const head = Buffer.alloc(5);
    head.writeUInt8(last, 0);
    head.writeUInt16LE(chunk.length, 1);
    head.writeUInt16LE(~chunk.length & 0xffff, 3);
    parts.push(head, chunk);
  }
  const sum = Buffer.alloc(4);
  sum.writeUInt32BE(adler32(body));
  parts.push(sum);
  return Buffer.concat(parts);
}

/** Objects collected with add() (each returns its id at once) and written by write() as one pack. */
export class PackWriter {
  private readonly parts: Buffer[] = [];
  private count = 0;

  add(type: ObjectType, body: Buffer): string {
    const oid = createHash('sha1').update(`${type} ${body.length}\0`).update(body).digest('hex');
    // Entry header: the type in bits 4-6 of the first byte, the size a little-endian base-128 number.
    let size = body.length;
    const head = [(TYPE_CODE[type] << 4) | (size & 15)];
    size = Math.floor(size / 16);
    while (size > 0) {
      head[head.length - 1]! |= 0x80;
      head.push(size & 0x7f);
      size = Math.floor(size / 128);
    }
    this.parts.push(Buffer.from(head), zlibStored(body));
    this.count += 1;
    return oid;
  }

  /** Indexes the pack into `r` (sha1 repositories) with one `git index-pack`. */
  write(r: TestRepo): void {
    const header = Buffer.alloc(12);
    header.write('PACK', 0, 'latin1');
    header.writeUInt32BE(2, 4);
    header.writeUInt32BE(this.count, 8);
    const pack = Buffer.concat([header, ...this.parts]);
    r.run(['index-pack', '--stdin'], { input: Buffer.concat([pack, createHash('sha1').update(pack).digest()]) });
  }
}
