import type { Threat } from '../../domain/model.js';
import { listRules } from '../../engine/catalog.js';
import type { Io } from '../io.js';
import { toSafeJson } from '../../domain/escape.js';

export function rulesCommand(flags: { format: string; threat?: Threat[] }, io: Io): number {
  const metas = listRules()
    .map((c) => c.meta)
    .filter((m) => !flags.threat?.length || flags.threat.includes(m.threat));
  if (flags.format === 'json') {
    io.stdout(`${toSafeJson({ schemaVersion: 1, rules: metas })}\n`);
    return 0;
  }
  const width = Math.max(...metas.map((m) => m.id.length));
  const lines: string[] = [];
  for (const m of metas) lines.push(`${m.threat.padEnd(13)} ${m.severity.padEnd(8)} ${m.id.padEnd(width)}  ${m.title}`);
  io.stdout(`${lines.join('\n')}\n`);
  return 0;
}
