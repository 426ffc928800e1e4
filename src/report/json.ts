// JSON for machines: the AuditReport as is (schema in README.md, "Reports"). JSON.stringify already
// escapes C0 controls; C1 controls, DEL and bidi overrides are escaped too, so a consumer that prints
// a field cannot be tricked by it. The data itself is unchanged.
import type { Reporter } from './types.js';
import { toSafeJson } from '../domain/escape.js';

export const renderJson: Reporter = (report) => `${toSafeJson(report)}\n`;
