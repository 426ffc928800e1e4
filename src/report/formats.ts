// The report formats, by name: what the command line offers. Kept apart from the reporters so
// that listing them does not load every renderer (and chalk) on every run.
export const FORMATS = ['text', 'json', 'sarif', 'junit', 'markdown'] as const;
export type Format = (typeof FORMATS)[number];
