/**
 * The boundary policy: VPC Encryption Controls per VPC (mode, enabled exclusions, CIDRs), the input
 * of alert classification. `boundary-policy.schema.json` is the contract and the one source: the
 * types come from `boundary-policy.generated.ts` (generated from it) and the exclusion names are
 * read from it. Validation lives in functions/core/policy/policy-document.ts.
 */
import type {
  Account,
  AccountControl,
  BlockingResource,
  CiphertrailBoundaryPolicy,
  Gap,
  Interface,
  TransitGateway,
  Vpc,
} from './boundary-policy.generated.js';
import schema from './boundary-policy.schema.json' with { type: 'json' };

type DeepReadonly<T> = T extends readonly (infer U)[]
  ? readonly DeepReadonly<U>[]
  : T extends object
    ? { readonly [K in keyof T]: DeepReadonly<T[K]> }
    : T;

export type BoundaryPolicy = DeepReadonly<CiphertrailBoundaryPolicy>;
export type BoundaryVpc = DeepReadonly<Vpc>;
export type ControlMode = Vpc['mode'];
export type ExclusionName = NonNullable<Vpc['exclusions']>[number];

/**
 * `ResourceExclusions` names of the EC2 API, in the schema's order. The first eight are the
 * documented exclusions; the SDK model (client-ec2 3.1169.0) also carries GlobalAccelerator and
 * ApiGatewayV2, so a synced policy may contain them. The cast only restores the literal types
 * TypeScript widens in imported JSON: the generated type comes from this same enum.
 */
export const EXCLUSION_NAMES = schema.definitions.vpc.properties.exclusions.items.enum as readonly ExclusionName[];
/** What one sync read of one account in one region (the `accounts` list of a synced policy). */
export type SyncedAccount = DeepReadonly<Account>;
/** Version 2 inventory (see the schema): what blocks enforce, account-level controls, TGWs, ENIs, call gaps. */
export type BlockingResourceEntry = DeepReadonly<BlockingResource>;
export type AccountControlEntry = DeepReadonly<AccountControl>;
export type TransitGatewayEntry = DeepReadonly<TransitGateway>;
export type InterfaceEntry = DeepReadonly<Interface>;
export type InventoryGap = DeepReadonly<Gap>;
/** The version sync-boundaries writes; files without `schemaVersion` are version 1 and still load. */
export const POLICY_SCHEMA_VERSION = 2;
