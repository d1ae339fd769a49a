// A bounded queue of records waiting for Kafka's acknowledgement. While Kafka is away the
// agent keeps sampling; past the bound the oldest records go first (a gap is better than
// running a small board out of memory), and every drop is counted.
export class Outbox<T> {
  private items: T[] = [];
  public dropped = 0;

  constructor(private readonly limit: number) {
    if (!Number.isInteger(limit) || limit < 1) throw new Error(`outbox limit must be a positive integer, got ${limit}`);
  }

  push(item: T): void {
    this.items.push(item);
    const over = this.items.length - this.limit;
    if (over > 0) { this.items.splice(0, over); this.dropped += over; }
  }

  /** The oldest records, at most `max`, still kept until `ack` says they were written. */
  peek(max: number): T[] { return this.items.slice(0, max); }

  /** Removes the first `n` records: call only with what Kafka acknowledged. */
  ack(n: number): void { this.items.splice(0, n); }

  get size(): number { return this.items.length; }
}
