/** Workflow number `w` of `steps` steps, the gate in number 0, version `v` changing one step's argument. */
export function honestWorkflow(w: number, steps: number, v: number): string;
