import { readFileSync } from 'node:fs';
import { afterEach, describe, expect, it } from 'vitest';
import { FileDedupStore } from '../../functions/adapters/file-dedup-store.js';
import { LocalDirStore } from '../../functions/adapters/local-dir-store.js';
import type { AlertMessage } from '../../functions/core/alerts/alert-message.js';
import type { AlertPublisher, DedupStore } from '../../functions/core/alerts/alert-ports.js';
import { AlertDeadlineError, AlertPublishError, assertComplete } from '../../functions/core/alerts/page-alerts.js';
import { tempDir } from '../helpers/sources.js';
import { ANALYTICS, group, manyGroups, PAYMENTS, runOnce, T0 } from './fixtures.js';

/** Records messages; fails those whose VPC is in `failFor`; never answers for those in `hangFor`. */
class RecordingPublisher implements AlertPublisher {
  readonly destination = 'memory';
  readonly sent: AlertMessage[] = [];
  readonly attempted: AlertMessage[] = [];
  constructor(
    readonly failFor = new Set<string>(),
    readonly hangFor = new Set<string>(),
  ) {}
  async publish(message: AlertMessage): Promise<string> {
    this.attempted.push(message);
    if (this.hangFor.has(message.vpcId)) return new Promise<string>(() => undefined);
    if (this.failFor.has(message.vpcId)) throw new Error('InternalError: SNS is down');
    this.sent.push(message);
    return `msg-${this.sent.length}`;
  }
}

const dirs: { remove: () => void }[] = [];
afterEach(() => {
  for (const d of dirs.splice(0)) d.remove();
});
function folder(): LocalDirStore {
  const dir = tempDir('alert-run');
  dirs.push(dir);
  return new LocalDirStore(dir.path);
}
const store = (): Promise<FileDedupStore> => FileDedupStore.open(folder(), 'alert-dedup.json');

const MINUTE = 60_000;
const groups = [...manyGroups(3), ...manyGroups(2, ANALYTICS)];
const run = runOnce;

describe('the alerting run: paging', () => {
  it('pages a violation once per suppression window, then again after it', async () => {
    const dedup = await store();
    const publisher = new RecordingPublisher();
    const first = await run(groups, { dedup, publisher });
    expect(first.paged).toHaveLength(5);
    expect(first.messages.map((m) => [m.vpcId, m.alerts, m.messageId])).toEqual([
      [PAYMENTS, 3, 'msg-1'],
      [ANALYTICS, 2, 'msg-2'],
    ]);
    const again = await run(groups, { dedup, publisher }, T0 + 59 * MINUTE);
    expect(again).toMatchObject({ paged: [], messages: [] });
    expect(again.suppressed).toHaveLength(5);
    expect(publisher.sent).toHaveLength(2);
    expect((await run(groups, { dedup, publisher }, T0 + 60 * MINUTE)).paged).toHaveLength(5);
    const short = async (minutes: number) =>
      (await run(groups, { dedup, publisher }, T0 + minutes * MINUTE, { suppressMinutes: 5 })).paged;
    expect(await short(120)).toHaveLength(5);
    expect(await short(124)).toHaveLength(0);
    expect(await short(125)).toHaveLength(5);
  });

  it('pages only what is new: a new ENI pages while known ones stay suppressed', async () => {
    const dedup = await store();
    await run(manyGroups(2), { dedup });
    const next = await run(manyGroups(3), { dedup }, T0 + MINUTE);
    expect(next.paged.map((a) => a.interface_id)).toEqual(['eni-00000000000000003']);
    expect(next.suppressed).toHaveLength(2);
  });

  it('never pages ok, excluded, readiness or blocked groups', async () => {
    const result = await run(
      [
        group({ encryption_status: 1 }),
        group({ dstaddr: '203.0.113.5', traffic_path: 8 }), // InternetGateway exclusion
        group({ action: 'REJECT', reject_reason: 'EC' }),
        group({ vpc_id: 'vpc-0123456789abcdef0', srcaddr: '10.3.0.1', dstaddr: '10.3.0.2' }),
      ],
      { dedup: await store(), publisher: new RecordingPublisher() },
    );
    expect(result).toEqual({
      paged: [],
      suppressed: [],
      capped: [],
      deferred: [],
      messages: [],
      failures: [],
      unconfirmed: [],
    });
  });

  it('a message that fails is not lost: its claims are given back and the next run pages it', async () => {
    const dedup = await store();
    const failed = await run(groups, { dedup, publisher: new RecordingPublisher(new Set([ANALYTICS])) });
    expect(failed.paged).toHaveLength(3);
    expect(failed.failures).toEqual([
      { subject: expect.stringContaining(ANALYTICS), alerts: 2, reason: 'InternalError: SNS is down' },
    ]);
    const error = (() => {
      try {
        assertComplete(failed);
      } catch (e) {
        return e;
      }
    })();
    expect(error).toBeInstanceOf(AlertPublishError);
    expect((error as Error).message).toMatch(
      /1 alert message\(s\) could not be published: .*vpc-0fedcba9876543210.*SNS is down/,
    );
    const retry = await run(groups, { dedup, publisher: new RecordingPublisher() }, T0 + MINUTE);
    expect(retry.paged.map((a) => a.vpc_id)).toEqual([ANALYTICS, ANALYTICS]);
    expect(retry.suppressed).toHaveLength(3);
  });

  it('gives back the claims it made when the dedup store fails half way', async () => {
    const inner = await store();
    let calls = 0;
    const flaky: DedupStore = {
      claim: async (key, now, lease) =>
        ++calls === 4 ? Promise.reject(new Error('ProvisionedThroughputExceeded')) : inner.claim(key, now, lease),
      confirm: (key, token, now, expires) => inner.confirm(key, token, now, expires),
      release: (key, token) => inner.release(key, token),
    };
    await expect(run(groups, { dedup: flaky }, T0, { concurrency: 1 })).rejects.toThrow(
      /ProvisionedThroughputExceeded/,
    );
    expect(calls).toBe(4);
    expect((await run(groups, { dedup: inner })).paged).toHaveLength(5);
  });

  it('the file store survives a restart, records sent claims and drops expired ones when saved', async () => {
    const files = folder();
    const dedup = await FileDedupStore.open(files, 'alert-dedup.json');
    await run(manyGroups(2), { dedup }, T0, { suppressMinutes: 10 });
    await run(manyGroups(1, ANALYTICS), { dedup }, T0 + 9 * MINUTE, { suppressMinutes: 10 });
    await dedup.save(T0 + 11 * MINUTE);
    const saved = JSON.parse(readFileSync(dedup.location, 'utf8')) as Record<
      string,
      { state: string; expires_at: number }
    >;
    expect(Object.keys(saved)).toEqual([
      `${ANALYTICS}|eni-00000000000000001|10.20.200.1|6|8080|cleartext-in-enforced-vpc`,
    ]);
    expect(Object.values(saved)[0]).toMatchObject({ state: 'sent', expires_at: (T0 + 19 * MINUTE) / 1000 });
    const reopened = await FileDedupStore.open(files, 'alert-dedup.json');
    const next = await run([...manyGroups(2), ...manyGroups(1, ANALYTICS)], { dedup: reopened }, T0 + 12 * MINUTE);
    expect(next.paged.map((a) => a.vpc_id)).toEqual([PAYMENTS, PAYMENTS]);
  });
});

describe('the alerting run: two-phase claims', () => {
  it('a run that dies before its messages go out holds its claims only until its deadline', async () => {
    const dedup = await store(); // shared by the runs, as the DynamoDB table is by concurrent invocations
    const burst = manyGroups(20);
    const hanging = new RecordingPublisher(new Set(), new Set([PAYMENTS]));
    // The first run claims, then never hears back from SNS: the function is cut at its deadline (T0 + 5 min).
    void run(burst, { dedup, publisher: hanging, remainingMs: () => 5 * MINUTE });
    await expect.poll(() => hanging.attempted.length).toBe(1);

    // While it may still be alive, another run must not page the same alerts twice...
    const concurrent = await run(
      burst,
      { dedup, publisher: new RecordingPublisher(), remainingMs: () => MINUTE },
      T0 + 2 * MINUTE,
    );
    expect(concurrent).toMatchObject({ paged: [], messages: [] });
    expect(concurrent.suppressed).toHaveLength(20);
    // ...but the retry after the deadline pages every one of them: the burst did not suppress itself.
    const publisher = new RecordingPublisher();
    const retry = await run(burst, { dedup, publisher, remainingMs: () => 5 * MINUTE }, T0 + 5 * MINUTE);
    expect(retry.paged).toHaveLength(20);
    expect(publisher.sent).toHaveLength(1);
  });

  it('a pending claim without a deadline (CLI) lapses after the longest a Lambda function can run', async () => {
    const dedup = await store();
    const hanging = new RecordingPublisher(new Set(), new Set([PAYMENTS]));
    void run(manyGroups(1), { dedup, publisher: hanging });
    await expect.poll(() => hanging.attempted.length).toBe(1);
    expect((await run(manyGroups(1), { dedup }, T0 + 14 * MINUTE)).suppressed).toHaveLength(1);
    expect((await run(manyGroups(1), { dedup }, T0 + 15 * MINUTE)).paged).toHaveLength(1);
  });

  it('claims nothing with less than the reserve left, so the retry pages what this run could not', async () => {
    const dedup = await store();
    let left = 26_000;
    const claimCostingASecond: DedupStore = {
      claim: async (...args) => {
        left -= 1000;
        return dedup.claim(...args);
      },
      confirm: (...args) => dedup.confirm(...args),
      release: (...args) => dedup.release(...args),
    };
    const late = await run(
      groups,
      { dedup: claimCostingASecond, publisher: new RecordingPublisher(), remainingMs: () => left },
      T0,
      { reserveMs: 20_000, concurrency: 1 },
    );
    // 26 s left and 1 s per claim: seven attempts fit before the 20 s reserve, enough for these five.
    expect(late.paged).toHaveLength(5);
    expect(late.deferred).toEqual([]);
    // 22 s left: three attempts fit, all spent on alerts the first run paged; three new ones wait for the retry.
    left = 22_000;
    const later = await run(
      manyGroups(6),
      { dedup: claimCostingASecond, publisher: new RecordingPublisher(), remainingMs: () => left },
      T0 + MINUTE,
      { reserveMs: 20_000, concurrency: 1 },
    );
    expect(later.suppressed.map((a) => a.interface_id)).toEqual([
      'eni-00000000000000001',
      'eni-00000000000000002',
      'eni-00000000000000003',
    ]);
    expect(later.paged).toHaveLength(0);
    expect(later.deferred.map((a) => a.interface_id)).toEqual([
      'eni-00000000000000004',
      'eni-00000000000000005',
      'eni-00000000000000006',
    ]);
    expect(() => assertComplete(later, 20_000)).toThrow(AlertDeadlineError);
    expect(() => assertComplete(later, 20_000)).toThrow(/3 alert\(s\) not checked: less than 20000 ms was left/);
    const retry = await run(
      manyGroups(6),
      { dedup, publisher: new RecordingPublisher(), remainingMs: () => 5 * MINUTE },
      T0 + 2 * MINUTE,
    );
    expect(retry.paged.map((a) => a.interface_id)).toEqual([
      'eni-00000000000000004',
      'eni-00000000000000005',
      'eni-00000000000000006',
    ]);
  });
});

describe('the alerting run: at most 25 alerts per VPC and run', () => {
  it('names the top 25, counts the rest as "N more" without claiming them, and pages those on a later run', async () => {
    const dedup = await store();
    const publisher = new RecordingPublisher();
    const first = await run(manyGroups(30), { dedup, publisher });
    expect(first.paged).toHaveLength(25);
    expect(first.capped.map((a) => a.interface_id)).toEqual([
      'eni-0000000000000001a',
      'eni-0000000000000001b',
      'eni-0000000000000001c',
      'eni-0000000000000001d',
      'eni-0000000000000001e',
    ]);
    const body = JSON.parse(publisher.sent[0]!.body);
    expect(body).toMatchObject({ totals: { alerts: 30 }, not_shown: { alerts: 5 } });
    expect(body.top_offenders).toHaveLength(25);
    expect(first.messages[0]).toMatchObject({ alerts: 30, shown: 25 });

    const second = await run(manyGroups(30), { dedup, publisher }, T0 + MINUTE);
    expect(second.suppressed).toHaveLength(25);
    expect(second.paged.map((a) => a.interface_id)).toEqual(first.capped.map((a) => a.interface_id));
    expect(second.capped).toEqual([]);
  });

  it('the cap is per boundary VPC, and suppressed alerts make room for the next ones', async () => {
    const dedup = await store();
    await run(manyGroups(10), { dedup });
    const next = await run([...manyGroups(40), ...manyGroups(3, ANALYTICS)], { dedup }, T0 + MINUTE);
    expect(next.suppressed).toHaveLength(10);
    expect(next.paged.filter((a) => a.vpc_id === PAYMENTS)).toHaveLength(25);
    expect(next.paged.filter((a) => a.vpc_id === ANALYTICS)).toHaveLength(3);
    expect(next.capped).toHaveLength(5);
    expect(next.paged.filter((a) => a.vpc_id === PAYMENTS).map((a) => a.interface_id)[0]).toBe('eni-0000000000000000b');
  });

  it('alerts the size limit leaves unnamed are given back: only what a page names is suppressed', async () => {
    const dedup = await store();
    const publisher = new RecordingPublisher();
    const first = await run(manyGroups(10), { dedup, publisher }, T0, { maxMessageBytes: 8_000 });
    const shown = publisher.sent[0]!.shown;
    expect(shown).toBeGreaterThan(0);
    expect(shown).toBeLessThan(10);
    expect(first.paged).toHaveLength(shown);
    expect(first.capped).toHaveLength(10 - shown);
    expect(JSON.parse(publisher.sent[0]!.body).not_shown.alerts).toBe(10 - shown);
    const second = await run(manyGroups(10), { dedup, publisher }, T0 + MINUTE);
    expect(second.paged).toHaveLength(10 - shown);
  });
});
