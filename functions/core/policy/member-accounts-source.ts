/**
 * Where the boundary sync finds the member accounts to read (`MEMBER_ACCOUNTS_SOURCE`,
 * `--accounts-from`): `none`, `organizations` (ListAccounts: the management account or a
 * delegated administrator may call it), or `ssm:<parameter name>` (a StringList of account ids).
 * Kept apart from the readers so that configuration parsing pulls in no AWS SDK client.
 */
export type MemberAccountsSource =
  | { readonly kind: 'none' }
  | { readonly kind: 'organizations' }
  | { readonly kind: 'ssm'; readonly parameterName: string };

/** The role every member account has for the sync (infra/member-role-stack.ts creates it). */
export const DEFAULT_MEMBER_ROLE_NAME = 'ciphertrail-boundary-read';

export class MemberAccountsSourceError extends Error {}

export function parseMemberAccountsSource(text: string | undefined): MemberAccountsSource {
  const value = (text ?? '').trim();
  if (value === '' || value === 'none') return { kind: 'none' };
  if (value === 'organizations') return { kind: 'organizations' };
  if (value.startsWith('ssm:') && value.length > 4) return { kind: 'ssm', parameterName: value.slice(4) };
  throw new MemberAccountsSourceError(
    `"${value}" is not a member-account source: use none, organizations or ssm:<parameter name>`,
  );
}

export function describeMemberAccountsSource(source: MemberAccountsSource): string {
  return source.kind === 'ssm'
    ? `SSM parameter ${source.parameterName}`
    : source.kind === 'organizations'
      ? 'AWS Organizations'
      : 'none';
}
