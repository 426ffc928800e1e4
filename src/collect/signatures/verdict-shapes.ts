// A verdict without its signing time is its "shape": the commits one signer signed share one.
// Shapes are numbered once so that verdicts travel between threads and into the verify cache as a
// number and a time, not as a dozen fields each.
import type { Verdict } from '../../domain/signature.js';

export type Shape = Omit<Verdict, 'signedAt'>;

function sameValue(a: unknown, b: unknown): boolean {
  if (a === b) return true;
  if (Array.isArray(a) && Array.isArray(b)) return a.length === b.length && a.every((x, i) => x === b[i]);
  return typeof a === 'object' && typeof b === 'object' && JSON.stringify(a) === JSON.stringify(b);
}

/** Whether `v` without its signedAt is `shape`: the same fields, in the same order, with equal values. */
function hasShape(v: Verdict, shape: Shape): boolean {
  const s = shape as unknown as Record<string, unknown>;
  const r = v as unknown as Record<string, unknown>;
  const keys = Object.keys(shape);
  let i = 0;
  for (const k in r) {
    if (k === 'signedAt') continue;
    if (keys[i] !== k || !sameValue(r[k], s[k])) return false;
    i += 1;
  }
  return i === keys.length;
}

function shapeOf(v: Verdict): Shape {
  const { signedAt: _, ...shape } = v;
  return shape;
}

/** The verdict of a shape and a signing time (the verify cache rebuilds its verdicts the same way). */
export function withTime(shape: Shape, signedAt: number | undefined): Verdict {
  return signedAt === undefined ? { ...shape } : { ...shape, signedAt };
}

/**
 * Shapes numbered in the order first seen. Looking one up compares it with the shape found last,
 * which is nearly always the answer, before the exact text of it is looked up.
 */
export class ShapeTable {
  readonly shapes: Shape[] = [];
  private readonly numbers = new Map<string, number>();
  private last = -1;

  /** A table holding `shapes` under their positions (as read back from storage). */
  static from(shapes: Shape[]): ShapeTable {
    const t = new ShapeTable();
    shapes.forEach((s, i) => {
      t.shapes.push(s);
      const key = JSON.stringify(s);
      if (!t.numbers.has(key)) t.numbers.set(key, i);
    });
    return t;
  }

  /** The number of v's shape, added when new; undefined when new and the table already holds `max`. */
  number(v: Verdict, max = Infinity): number | undefined {
    const last = this.shapes[this.last];
    if (last && hasShape(v, last)) return this.last;
    const shape = shapeOf(v);
    const key = JSON.stringify(shape);
    let n = this.numbers.get(key);
    if (n === undefined) {
      if (this.shapes.length >= max) return undefined;
      n = this.shapes.length;
      this.shapes.push(shape);
      this.numbers.set(key, n);
    }
    this.last = n;
    return n;
  }
}
