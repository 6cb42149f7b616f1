import type { S3Client } from '@aws-sdk/client-s3';
import type { BoundaryPolicy } from '../../schemas/boundary-policy.js';
import { type ControlStateOutcome, type ControlStatePorts, runControlStateAlerts } from '../core/alerts/alert-run.js';
import { definedProps } from '../core/defined.js';
import { describeError } from '../core/describe-error.js';
import { FAILED_STATES } from '../core/policy/build-policy.js';
import { describeMemberAccountsSource, type MemberAccountsSource } from '../core/policy/member-accounts-source.js';
import { BoundaryPolicyError } from '../core/policy/policy-document.js';
import { type BoundarySyncResult, syncBoundaries } from './ec2-boundary-source.js';
import { listMemberAccounts } from './member-accounts.js';
import { readPolicy, writePolicy } from './policy-store.js';

export interface BoundarySyncRun {
  /** Where the policy lives: a file or `s3://bucket/key`. The policy found there is the last known state. */
  readonly location: string;
  readonly regions: readonly string[];
  readonly members: MemberAccountsSource;
  /** Member accounts given directly (the CLI's --account), beside the listed ones. */
  readonly accountIds?: readonly string[];
  readonly memberRoleName?: string;
  readonly roleArns?: readonly string[];
  readonly includeCaller: boolean;
  /** Endpoint override for every AWS API the sync calls except S3 (tests). */
  readonly endpoint?: string;
  readonly s3?: S3Client;
  readonly now?: Date;
  readonly deadline?: number;
  /** Page failed control states (enforce-failed, monitor-failed) once; without it they are only noted. */
  readonly alerts?: ControlStatePorts & { readonly suppressMinutes?: number };
}

export interface BoundarySyncReport extends BoundarySyncResult {
  readonly location: string;
  readonly bytes: number;
  /** How many member accounts the source listed (after leaving out the sync's own). */
  readonly memberAccounts: number;
  /** Set when the member accounts could not be listed; the accounts of the last policy were read instead. */
  readonly memberListError?: string;
  /** The failed-state paging of this run, when alerts were configured. */
  readonly controlAlerts?: ControlStateOutcome;
}

/**
 * One boundary sync, as the Lambda and the CLI run it: read the last policy (the state failed
 * accounts keep), list the member accounts, read every account and region, write the policy.
 * It throws only when nothing useful can be written: the last policy cannot be read (other than
 * not existing yet), or the caller cannot be identified.
 */
export async function runBoundarySync(run: BoundarySyncRun): Promise<BoundarySyncReport> {
  const { previous, note } = await readLastKnown(run.location, run.s3);
  const notes = note ? [note] : [];
  let accountIds: string[] = [];
  let memberListError: string | undefined;
  try {
    const listed = await listMemberAccounts(
      run.members,
      definedProps({ region: run.regions[0] ?? 'us-east-1', endpoint: run.endpoint }),
    );
    accountIds = [...new Set([...(run.accountIds ?? []), ...listed.accountIds])];
    notes.push(...listed.notes);
  } catch (err) {
    // Without the list, read the accounts the last policy had: they keep being synced, not dropped.
    accountIds = [...new Set([...(run.accountIds ?? []), ...(previous?.accounts ?? []).map((a) => a.accountId)])];
    memberListError = `cannot list member accounts from ${describeMemberAccountsSource(run.members)}: ${describeError(err)}`;
    notes.push(`${memberListError}; reading the ${accountIds.length} account(s) of the last policy instead`);
  }
  const synced = await syncBoundaries(
    definedProps({
      regions: run.regions,
      accountIds,
      memberRoleName: run.memberRoleName,
      roleArns: run.roleArns,
      includeCaller: run.includeCaller,
      endpoint: run.endpoint,
      previous,
      now: run.now,
      deadline: run.deadline,
    }),
  );
  let policy = synced.policy;
  let controlAlerts: ControlStateOutcome | undefined;
  if (run.alerts) {
    const { suppressMinutes, ...ports } = run.alerts;
    // Paged before the write, so the written policy records which failed states have paged.
    controlAlerts = await runControlStateAlerts(policy, ports, definedProps({ suppressMinutes }));
    policy = controlAlerts.policy;
  }
  for (const [id, vpc] of Object.entries(policy.vpcs)) {
    if (!FAILED_STATES.has(vpc.state ?? '')) continue;
    const paged = controlAlerts?.paging.paged.some((a) => a.vpc_id === id);
    const status = paged ? 'paged' : vpc.stateAlertedAt ? `paged at ${vpc.stateAlertedAt}` : 'not paged';
    notes.push(`${id}: encryption control ${vpc.state}${vpc.stateMessage ? ` (${vpc.stateMessage})` : ''}; ${status}`);
  }
  const bytes = await writePolicy(run.location, policy, run.s3);
  return {
    ...synced,
    policy,
    ...(controlAlerts ? { controlAlerts } : {}),
    notes: [...notes, ...synced.notes],
    location: run.location,
    bytes,
    memberAccounts: accountIds.filter((a) => a !== synced.callerAccountId).length,
    ...(memberListError ? { memberListError } : {}),
  };
}

/** The policy written last time; none on the first run. An invalid one is not reused (and said so). */
async function readLastKnown(location: string, s3?: S3Client): Promise<{ previous?: BoundaryPolicy; note?: string }> {
  try {
    return { previous: await readPolicy(location, s3) };
  } catch (err) {
    const e = err as { name?: string; code?: string; $metadata?: { httpStatusCode?: number } };
    if (e.name === 'NoSuchKey' || e.$metadata?.httpStatusCode === 404 || e.code === 'ENOENT') return {};
    if (err instanceof BoundaryPolicyError)
      return { note: `the last policy at ${location} is invalid and was not reused` };
    // Writing without the last policy would drop the state of every account that fails now.
    throw new Error(`sync-boundaries: cannot read the last policy ${location}: ${describeError(err)}`, { cause: err });
  }
}
