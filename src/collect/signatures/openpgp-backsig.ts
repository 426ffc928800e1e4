// The back-signature (0x19, primary key binding) of a signing subkey's binding as gpg 2.2 finds it
// (getkey.c merge_selfsigs_subkey): the first embedded signature (subpacket 32) of the hashed area
// that is a v3 or v4 signature of class 0x19, else the unhashed area's first such one. openpgp.js
// takes the last embedded signature it read, of any class, the unhashed area's over the hashed one:
// a binding embedding a 0x18 signature over the same keys, or a good one in the unhashed area after
// a bad one in the hashed area, made a subkey gpg calls not cross-certified (git: E) sign (G). Pure.
import * as openpgp from 'openpgp';
import { allOf } from './openpgp-critical.js';
import { readFirstSubpackets, subpacketAreas } from './openpgp-packets.js';

const CLASS = 0x19;
const found = new WeakMap<openpgp.SignaturePacket, openpgp.SignaturePacket | null>();

/** The back-signature gpg checks for `binding`, parsed; undefined when gpg finds none. */
export function gpgBacksig(binding: openpgp.SignaturePacket): openpgp.SignaturePacket | undefined {
  let out = found.get(binding);
  if (out === undefined) {
    out = null;
    const { hashed, unhashed } = subpacketAreas(binding);
    for (const area of [hashed ?? new Uint8Array(), unhashed]) {
      const body = allOf(area, 32).find(
        (b) => b.length > 3 && ((b[0] === 3 && b[2] === CLASS) || (b[0] === 4 && b[1] === CLASS)),
      );
      if (!body) continue;
      try {
        const sp = new openpgp.SignaturePacket();
        sp.read(body);
        readFirstSubpackets(sp);
        out = sp;
        break;
      } catch {
        // gpg's parse of it fails: it looks in the unhashed area next
      }
    }
    found.set(binding, out);
  }
  return out ?? undefined;
}
