/**
 * The alert contract: `alert.schema.json` is the one source. The types come from
 * `alert.generated.ts` (generated from it); the severity order is read from it.
 */
import type { Alert, CiphertrailAlertMessage, Severity } from './alert.generated.js';
import schema from './alert.schema.json' with { type: 'json' };

/** One alert as it is written (alerts.jsonl, readiness.jsonl, an SNS message's offenders). */
export type AlertRecord = Readonly<Alert>;
export type AlertMessageBody = CiphertrailAlertMessage;
export type { Severity };
/** What a finding is; `ok` groups are never findings. */
export type FindingClass = Alert['classification'];

/**
 * Severities, worst first (the schema's enum order ranks alerts). The cast only restores the
 * literal types TypeScript widens in imported JSON: the generated type comes from this same enum.
 */
export const SEVERITY_ORDER = schema.definitions.severity.enum as readonly Severity[];
