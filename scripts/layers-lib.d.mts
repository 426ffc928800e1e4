import type { Program } from 'typescript';

/** A break of a rule of `.depcruise/layers.cjs`: `from` imports (or reaches) `to`; `pos` is the import's offset in `from`. */
export interface LayerBreak {
  from: string;
  to: string;
  rule: string;
  comment: string | undefined;
  pos: number;
}

/** Every break of `config`'s forbidden rules over `program`'s modules under `root`. */
export function findLayerBreaks(program: Program, root: string, config: object): LayerBreak[];
