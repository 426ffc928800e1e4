// JSON for machines: the AuditReport as is (schema in README.md, "Reports"). JSON.stringify already
// escapes C0 controls; C1 controls, DEL and bidi overrides are escaped too, so a consumer that prints
// a field cannot be tricked by it. The data itself is unchanged.
import type { Reporter } from './types.js';

export const renderJson: Reporter = (report) =>
  `${JSON.stringify(report, null, 2).replace(/[\u007f-\u009f\u061c\u200e\u200f\u202a-\u202e\u2066-\u2069]/gu, (c) => `\\u${c.charCodeAt(0).toString(16).padStart(4, '0')}`)}\n`;
