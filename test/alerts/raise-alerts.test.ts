import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import { afterEach, describe, expect, it } from 'vitest';
import type { AlertMessage } from '../../functions/core/alerts/alert-message.js';
import { AlertPublishError, type AlertPublisher, type DedupStore, pageAlerts, raiseAlerts } from '../../functions/core/alerts/raise-alerts.js';
import { FileDedupStore } from '../../functions/adapters/file-dedup-store.js';
import { tempDir } from '../helpers/sources.js';
import { ANALYTICS, group, manyGroups, POLICY, T0, violations } from './fixtures.js';

/** Records messages; fails those whose VPC is in `failFor`. */
class RecordingPublisher implements AlertPublisher {
  readonly destination = 'memory';
  readonly sent: AlertMessage[] = [];
  constructor(readonly failFor = new Set<string>()) {}
  async publish(message: AlertMessage): Promise<string> {
    if (this.failFor.has(message.vpcId)) throw new Error('InternalError: SNS is down');
    this.sent.push(message);
    return `msg-${this.sent.length}`;
  }
}

const dirs: { remove: () => void }[] = [];
afterEach(() => dirs.splice(0).forEach((d) => d.remove()));
async function store(): Promise<FileDedupStore> {
  const dir = tempDir('dedup');
  dirs.push(dir);
  return FileDedupStore.open(join(dir.path, 'alert-dedup.json'));
}

const MINUTE = 60_000;
const groups = [...manyGroups(3), ...manyGroups(2, ANALYTICS)];

describe('raiseAlerts / pageAlerts', () => {
  it('pages a violation once per suppression window, then again after it', async () => {
    const dedup = await store();
    const publisher = new RecordingPublisher();
    const first = await raiseAlerts({ groups, policy: POLICY, dedup, publisher, now: T0 });
    expect(first.paged).toHaveLength(5);
    expect(first.messages.map((m) => [m.vpcId, m.alerts, m.messageId])).toEqual([
      ['vpc-0e1f2a3b4c5d6e7f8', 3, 'msg-1'], [ANALYTICS, 2, 'msg-2'],
    ]);
    const again = await raiseAlerts({ groups, policy: POLICY, dedup, publisher, now: T0 + 59 * MINUTE });
    expect(again).toMatchObject({ paged: [], messages: [] });
    expect(again.suppressed).toHaveLength(5);
    expect(publisher.sent).toHaveLength(2);
    const later = await raiseAlerts({ groups, policy: POLICY, dedup, publisher, now: T0 + 60 * MINUTE });
    expect(later.paged).toHaveLength(5);
    const short = (minutes: number) => raiseAlerts({ groups, policy: POLICY, dedup, publisher, now: T0 + minutes * MINUTE, suppressMinutes: 5 });
    expect((await short(120)).paged).toHaveLength(5);
    expect((await short(124)).paged).toHaveLength(0);
    expect((await short(125)).paged).toHaveLength(5);
  });

  it('pages only what is new: a new ENI pages while known ones stay suppressed', async () => {
    const dedup = await store();
    await raiseAlerts({ groups: manyGroups(2), policy: POLICY, dedup, now: T0 });
    const next = await raiseAlerts({ groups: manyGroups(3), policy: POLICY, dedup, now: T0 + MINUTE });
    expect(next.paged.map((a) => a.interface_id)).toEqual(['eni-00000000000000003']);
    expect(next.suppressed).toHaveLength(2);
  });

  it('never pages ok, excluded, readiness or blocked groups', async () => {
    const result = await raiseAlerts({
      groups: [
        group({ encryption_status: 1 }),
        group({ dstaddr: '203.0.113.5', traffic_path: 8 }), // InternetGateway exclusion
        group({ action: 'REJECT', reject_reason: 'EC' }),
        group({ vpc_id: 'vpc-0123456789abcdef0', srcaddr: '10.3.0.1', dstaddr: '10.3.0.2' }),
      ],
      policy: POLICY, dedup: await store(), publisher: new RecordingPublisher(), now: T0,
    });
    expect(result).toEqual({ paged: [], suppressed: [], messages: [] });
  });

  it('a message that fails is not lost: the caller sees the error and the next run pages it', async () => {
    const dedup = await store();
    const failing = new RecordingPublisher(new Set([ANALYTICS]));
    const error = await raiseAlerts({ groups, policy: POLICY, dedup, publisher: failing, now: T0 }).catch((e: unknown) => e);
    expect(error).toBeInstanceOf(AlertPublishError);
    expect((error as AlertPublishError).message).toMatch(/1 alert message\(s\) could not be published: .*vpc-0fedcba9876543210.*SNS is down/);
    expect((error as AlertPublishError).result.paged).toHaveLength(3);
    const retry = await raiseAlerts({ groups, policy: POLICY, dedup, publisher: new RecordingPublisher(), now: T0 + MINUTE });
    expect(retry.paged.map((a) => a.vpc_id)).toEqual([ANALYTICS, ANALYTICS]);
    expect(retry.suppressed).toHaveLength(3);
  });

  it('gives back the claims it made when the dedup store fails half way', async () => {
    const inner = await store();
    let calls = 0;
    const flaky: DedupStore = {
      claim: async (...args) => (++calls === 4 ? Promise.reject(new Error('ProvisionedThroughputExceeded')) : inner.claim(...args)),
      release: (key, token) => inner.release(key, token),
    };
    await expect(pageAlerts({ alerts: violations(groups), dedup: flaky, now: T0, concurrency: 1 }))
      .rejects.toThrow(/ProvisionedThroughputExceeded/);
    const after = await pageAlerts({ alerts: violations(groups), dedup: inner, now: T0 });
    expect(after.paged).toHaveLength(5);
  });

  it('the file store survives a restart and drops expired claims when saved', async () => {
    const dedup = await store();
    await raiseAlerts({ groups: manyGroups(2), policy: POLICY, dedup, now: T0, suppressMinutes: 10 });
    await raiseAlerts({ groups: manyGroups(1, ANALYTICS), policy: POLICY, dedup, now: T0 + 9 * MINUTE, suppressMinutes: 10 });
    await dedup.save(T0 + 11 * MINUTE);
    const saved = JSON.parse(readFileSync(dedup.path, 'utf8')) as Record<string, { expires_at: number }>;
    expect(Object.keys(saved)).toEqual([`${ANALYTICS}|eni-00000000000000001|10.20.200.1|6|8080|cleartext-in-enforced-vpc`]);
    expect(Object.values(saved)[0]!.expires_at).toBe((T0 + 19 * MINUTE) / 1000);
    const reopened = await FileDedupStore.open(dedup.path);
    const next = await raiseAlerts({ groups: [...manyGroups(2), ...manyGroups(1, ANALYTICS)], policy: POLICY, dedup: reopened,
      now: T0 + 12 * MINUTE });
    expect(next.paged.map((a) => a.vpc_id)).toEqual(['vpc-0e1f2a3b4c5d6e7f8', 'vpc-0e1f2a3b4c5d6e7f8']);
  });
});
