// Published test keys (rules/secret-formats.json publishedKeys), known by the SHA-256 of the bytes a
// key block's base64 decodes to. A block is taken for one only when it holds nothing but that key:
// it must read as exactly one PEM body, as openssl and ssh-keygen read it (keyBlock's `exact`), in
// canonical base64. Node's decoder stops at the first `=`, so "<published key>=<real key>" hashed as
// the published key; and a real key after a published key's lines in the same block (behind a
// DEK-Info header, after a blank line or a line the scan stops at) rode on its digest, though
// `openssl pkey` read the real one.

/** The base64 of one PEM body, and whether the block held nothing else (see keyBlock). */
export interface KeyBlock {
  material: string;
  exact: boolean;
}

/** The RFC 1421 headers an encrypted PEM key carries, as openssl reads them: their values name a
 *  cipher and its IV, and can hold no key. Any other header (`Comment: <base64>`) can. */
export const ENCRYPTION_HEADER = /^(?:Proc-Type: 4,ENCRYPTED|DEK-Info: [A-Z0-9-]{1,40},[0-9A-Fa-f]{16,32})$/;

/** The bytes of a block that holds one key body and nothing else, in canonical base64; else undefined. */
export function exactKeyBytes(block: KeyBlock): Buffer | undefined {
  if (!block.exact || !/^[A-Za-z0-9+/]+={0,2}$/.test(block.material)) return undefined;
  const der = Buffer.from(block.material, 'base64');
  // canonical: the bytes encode back to the same text (no stray bits in the last character)
  return der.toString('base64').replace(/=+$/, '') === block.material.replace(/=+$/, '') ? der : undefined;
}
