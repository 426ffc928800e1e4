// Where an audit's report goes: the main format to stdout (or --output), plus any number of
// --output-<format> FILE copies, so CI prints text for people and uploads SARIF/JUnit for machines
// from one run. And the progress line on stderr for long walks (only on a terminal).
import { repositoryRoots } from '../collect/safe-fs.js';
import { writeUserFile } from '../collect/safe-write.js';
import { ExpectedError, fileError } from '../errors.js';
import { checkFormat, reporterFor } from '../report/index.js';
import type { AuditReport, RenderOptions } from '../report/types.js';
import type { Io } from './io.js';

/** The --output-<format> flags, as commander names them. */
const EXTRA_OUTPUTS = [
  ['outputText', 'text'],
  ['outputJson', 'json'],
  ['outputSarif', 'sarif'],
  ['outputJunit', 'junit'],
  ['outputMarkdown', 'markdown'],
] as const;

export type ExtraOutputFlags = Partial<Record<(typeof EXTRA_OUTPUTS)[number][0], string>>;

export interface Output {
  format: string;
  /** undefined: stdout. */
  file?: string;
}

export function plannedOutputs(format: string, output: string | undefined, extra: ExtraOutputFlags): Output[] {
  const outputs: Output[] = [{ format, ...(output ? { file: output } : {}) }];
  for (const [flag, fmt] of EXTRA_OUTPUTS) {
    const file = extra[flag];
    if (file) outputs.push({ format: fmt, file });
  }
  const files = outputs.flatMap((o) => (o.file ? [o.file] : []));
  const dup = files.find((f, i) => files.indexOf(f) !== i);
  if (dup)
    throw new ExpectedError(`two reports would be written to ${dup}`, 'give each --output-<format> its own file');
  for (const o of outputs) checkFormat(o.format); // unknown format: fail before the audit runs
  return outputs;
}

export async function writeOutputs(report: AuditReport, outputs: Output[], io: Io, opts: RenderOptions): Promise<void> {
  // Every renderer loaded before the first report is written, as when they were loaded with this module.
  const reporters = await Promise.all(outputs.map((o) => reporterFor(o.format)));
  for (const [i, o] of outputs.entries()) {
    const text = reporters[i]!(report, { ...opts, color: opts.color && !o.file });
    if (!o.file) {
      io.stdout(text);
      continue;
    }
    try {
      writeUserFile(o.file, text, repositoryRoots(report.repository));
    } catch (err) {
      // Refusals (a link, a folder leading out) keep their own words; plain failures are worded here.
      if (
        err instanceof ExpectedError &&
        !['missing', 'unreadable'].includes(String((err as { reason?: string }).reason))
      )
        throw err;
      throw fileError('write', `the ${o.format} report`, o.file, err, 'choose a file in a folder you can write to');
    }
  }
}
