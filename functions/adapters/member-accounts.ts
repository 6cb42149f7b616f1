import { ListAccountsCommand, OrganizationsClient } from '@aws-sdk/client-organizations';
import { GetParameterCommand, SSMClient } from '@aws-sdk/client-ssm';
import type { MemberAccountsSource } from '../core/policy/member-accounts-source.js';

export interface MemberAccounts {
  readonly accountIds: string[];
  /** Entries that were left out, and why. */
  readonly notes: string[];
}

const ACCOUNT_ID = /^\d{12}$/;

/** Lists the member accounts of a source; throws when the source cannot be read. */
export async function listMemberAccounts(
  source: MemberAccountsSource,
  options: { readonly region: string; readonly endpoint?: string },
): Promise<MemberAccounts> {
  const client = { region: options.region, ...(options.endpoint ? { endpoint: options.endpoint } : {}) };
  if (source.kind === 'none') return { accountIds: [], notes: [] };
  if (source.kind === 'ssm') {
    const ssm = new SSMClient(client);
    try {
      const out = await ssm.send(new GetParameterCommand({ Name: source.parameterName }));
      const notes: string[] = [];
      const accountIds: string[] = [];
      for (const entry of (out.Parameter?.Value ?? '')
        .split(',')
        .map((s) => s.trim())
        .filter(Boolean)) {
        if (!ACCOUNT_ID.test(entry))
          notes.push(`${source.parameterName}: "${entry}" is not a 12-digit account id, skipped`);
        else if (!accountIds.includes(entry)) accountIds.push(entry);
      }
      return { accountIds, notes };
    } finally {
      ssm.destroy();
    }
  }
  const organizations = new OrganizationsClient(client);
  try {
    const accountIds: string[] = [];
    let inactive = 0;
    let NextToken: string | undefined;
    do {
      const out = await organizations.send(new ListAccountsCommand({ NextToken }));
      for (const account of out.Accounts ?? []) {
        // `State` replaces the deprecated `Status`; suspended and closing accounts have nothing to read.
        const state = account.State ?? account.Status;
        if (account.Id && ACCOUNT_ID.test(account.Id) && state === 'ACTIVE') accountIds.push(account.Id);
        else inactive++;
      }
      NextToken = out.NextToken || undefined;
    } while (NextToken);
    return { accountIds, notes: inactive > 0 ? [`AWS Organizations: ${inactive} account(s) not ACTIVE, skipped`] : [] };
  } finally {
    organizations.destroy();
  }
}
