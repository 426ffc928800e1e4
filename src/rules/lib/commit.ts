import type { Identity } from '../../collect/commit-object.js';

export function identityText(i: Identity): string {
  return `${i.name} <${i.email}>`;
}
