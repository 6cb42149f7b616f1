/**
 * Additive measures per group key, in growable typed arrays: flows, packets, bytes, first and
 * last seen. Packets and bytes stay exact: a sum that would pass 2^53 moves to bigint.
 */
export class GroupTable {
  private readonly index = new Map<string, number>();
  private keys: string[] = [];
  private flows = new Float64Array(1024);
  private packets = new Float64Array(1024);
  private bytes = new Float64Array(1024);
  private first = new Float64Array(1024);
  private last = new Float64Array(1024);
  private readonly bigPackets = new Map<number, bigint>();
  private readonly bigBytes = new Map<number, bigint>();

  get size(): number {
    return this.keys.length;
  }

  /**
   * Adds one record to the group `key`. `packets`/`bytes` are numbers (NaN for null) or a
   * bigint when the value itself is beyond 2^53; `firstSec`/`lastSec` are epoch seconds.
   */
  add(key: string, packets: number, bigPackets: bigint | undefined, bytes: number, bigBytes: bigint | undefined,
    firstSec: number, lastSec: number): void {
    let slot = this.index.get(key);
    if (slot === undefined) {
      slot = this.keys.length;
      if (slot === this.flows.length) this.grow();
      this.index.set(key, slot);
      this.keys.push(key);
      this.first[slot] = firstSec;
      this.last[slot] = lastSec;
    } else {
      if (firstSec < this.first[slot]!) this.first[slot] = firstSec;
      if (lastSec > this.last[slot]!) this.last[slot] = lastSec;
    }
    this.flows[slot]! += 1;
    addExact(this.packets, this.bigPackets, slot, packets, bigPackets);
    addExact(this.bytes, this.bigBytes, slot, bytes, bigBytes);
  }

  /** Visits every group; int64 measures come as number when safe, else bigint. */
  forEach(visit: (key: string, flows: number, packets: number | bigint, bytes: number | bigint,
    firstSec: number, lastSec: number) => void): void {
    for (let slot = 0; slot < this.keys.length; slot++) {
      visit(this.keys[slot]!, this.flows[slot]!, this.bigPackets.get(slot) ?? this.packets[slot]!,
        this.bigBytes.get(slot) ?? this.bytes[slot]!, this.first[slot]!, this.last[slot]!);
    }
  }

  clear(): void {
    this.index.clear();
    this.keys = [];
    this.bigPackets.clear();
    this.bigBytes.clear();
    this.flows.fill(0);
    this.packets.fill(0);
    this.bytes.fill(0);
  }

  private grow(): void {
    const n = this.flows.length * 2;
    const grow = (a: Float64Array) => {
      const b = new Float64Array(n);
      b.set(a);
      return b;
    };
    this.flows = grow(this.flows);
    this.packets = grow(this.packets);
    this.bytes = grow(this.bytes);
    this.first = grow(this.first);
    this.last = grow(this.last);
  }
}

function addExact(sums: Float64Array, bigSums: Map<number, bigint>, slot: number, value: number,
  big: bigint | undefined): void {
  if (big === undefined) {
    if (value !== value) return; // NaN: null measure adds nothing
    const current = bigSums.get(slot);
    if (current !== undefined) {
      bigSums.set(slot, current + BigInt(value));
      return;
    }
    const sum = sums[slot]! + value;
    if (sum <= Number.MAX_SAFE_INTEGER) {
      sums[slot] = sum;
      return;
    }
    bigSums.set(slot, BigInt(sums[slot]!) + BigInt(value));
    return;
  }
  bigSums.set(slot, (bigSums.get(slot) ?? BigInt(sums[slot]!)) + big);
}
