import AjvModule from 'ajv';
import { describe, expect, it } from 'vitest';
import { controlStateAlerts } from '../../functions/core/alerts/control-state.js';
import { buildSyncedPolicy, type RegionInventory } from '../../functions/core/policy/build-policy.js';
import { validateBoundaryPolicy } from '../../functions/core/policy/policy-document.js';
import alertSchema from '../../schemas/alert.schema.json' with { type: 'json' };

const ajv = new AjvModule.default({ allErrors: true, strict: true });
ajv.compile(alertSchema);
const validateAlert = ajv.getSchema('https://ciphertrail.dev/schemas/alert.schema.json#/definitions/alert')!;
const NOW = Date.parse('2026-11-28T12:00:00Z');

const policy = validateBoundaryPolicy({
  vpcs: {
    'vpc-0a9b8c7d6e5f4a3b2': {
      mode: 'monitor',
      state: 'enforce-failed',
      stateMessage: 'blocked by eni-0c3c3c3c3c3c3c3c3',
      controlId: 'vpcec-0a1b2c3d4e5f60718',
      accountId: '111111111111',
      region: 'us-east-1',
    },
    'vpc-0b9b8c7d6e5f4a3b2': { mode: 'enforce', state: 'monitor-failed', stateAlertedAt: '2026-11-27T00:00:00Z' },
    'vpc-0c9b8c7d6e5f4a3b2': { mode: 'monitor', state: 'enforce-in-progress' },
    'vpc-0d9b8c7d6e5f4a3b2': { mode: 'enforce', state: 'available' },
  },
});

describe('failed control states', () => {
  it('one alert per failed state not yet paged, shaped like any alert, keyed by VPC and state', () => {
    const alerts = controlStateAlerts(policy, NOW);
    expect(alerts.map((a) => a.dedup_key)).toEqual([
      'vpc-0a9b8c7d6e5f4a3b2|-|-|-|-|encryption-control-failed:enforce-failed',
    ]);
    const [alert] = alerts;
    expect(validateAlert(alert), JSON.stringify(validateAlert.errors)).toBe(true);
    expect(alert).toMatchObject({
      classification: 'violation',
      severity: 'high',
      boundary_vpc_id: 'vpc-0a9b8c7d6e5f4a3b2',
    });
    expect(alert!.reason).toContain(
      'to enforce mode failed (state enforce-failed, mode still monitor): blocked by eni-',
    );
    expect(alert!.remediation).toContain('--vpc-encryption-control-id vpcec-0a1b2c3d4e5f60718 --mode enforce');
  });

  it('the sync keeps stateAlertedAt while the state lasts and drops it when the state changes', () => {
    const control = (State: string): RegionInventory => ({
      accountId: '111111111111',
      region: 'us-east-1',
      controls: [{ VpcId: 'vpc-0a9b8c7d6e5f4a3b2', Mode: 'monitor', State }],
      vpcs: [],
      interfaces: [],
    });
    const previous = validateBoundaryPolicy({
      vpcs: {
        'vpc-0a9b8c7d6e5f4a3b2': { mode: 'monitor', state: 'enforce-failed', stateAlertedAt: '2026-11-27T00:00:00Z' },
      },
    });
    const at = (State: string) =>
      buildSyncedPolicy(
        [{ accountId: '111111111111', region: 'us-east-1', inventory: control(State) }],
        previous,
        new Date(NOW),
      ).policy.vpcs['vpc-0a9b8c7d6e5f4a3b2']!.stateAlertedAt;
    expect(at('enforce-failed')).toBe('2026-11-27T00:00:00Z');
    expect(at('available')).toBeUndefined();
    expect(at('monitor-failed')).toBeUndefined();
  });
});
