import { describe, expect, it } from 'vitest';
import { SimulatedClock, withLimits } from '../../../../common/index.js';
import { MemoryFileSystem } from '../../../../storage/fs/index.js';
import { decodeRecords, openLog } from '../../../../storage/log/index.js';
import {
  DEFAULT_NEXMARK_CONFIG,
  FIRST_AUCTION_ID,
  FIRST_PERSON_ID,
  NexmarkGenerator,
  eventTimestampMs,
  kindOfEvent,
  lastBase0AuctionId,
  lastBase0PersonId,
  maxAuctionLengthMs,
  type AuctionRow,
  type BidRow,
  type NexmarkEvent,
  type PersonRow,
} from '../../../../bench/nexmark/generator.js';
import { appendEventsToLog, createNexmarkTopics } from '../../../../bench/nexmark/load.js';

function generate(count: number, config: Partial<typeof DEFAULT_NEXMARK_CONFIG> = {}): NexmarkEvent[] {
  const generator = new NexmarkGenerator(config);
  return Array.from({ length: count }, () => generator.next());
}

const parse = <T>(event: NexmarkEvent): T => JSON.parse(event.value.toString('latin1')) as T;

describe('Nexmark generator', () => {
  it('is deterministic: the same seed gives the same events, another seed other values', () => {
    const first = generate(3000).map((e) => [e.kind, e.timestampMs, e.id, e.value.toString('latin1')]);
    const again = generate(3000).map((e) => [e.kind, e.timestampMs, e.id, e.value.toString('latin1')]);
    expect(again).toEqual(first);
    const other = generate(3000, { seed: 7 }).map((e) => e.value.toString('latin1'));
    expect(other).not.toEqual(first.map((e) => e[3]));
    // The model does not depend on the seed: kinds and times are the same.
    expect(generate(3000, { seed: 7 }).map((e) => [e.kind, e.timestampMs])).toEqual(first.map((e) => [e[0], e[1]]));
  });

  it('produces Person, Auction and Bid events in 1:3:46 proportions, by event number', () => {
    const events = generate(50_000);
    const counts = { person: 0, auction: 0, bid: 0 };
    let kindMismatches = 0;
    for (const event of events) {
      counts[event.kind]++;
      if (event.kind !== kindOfEvent(event.eventNumber)) kindMismatches++;
    }
    expect(kindMismatches).toBe(0);
    expect(counts).toEqual({ person: 1000, auction: 3000, bid: 46000 });
    expect(events.slice(0, 5).map((e) => e.kind)).toEqual(['person', 'auction', 'auction', 'auction', 'bid']);
  });

  it('assigns dense ids in event order and event times from the inter-event delay', () => {
    const config = { ...DEFAULT_NEXMARK_CONFIG, interEventDelayUs: 250 };
    const events = generate(20_000, config);
    let nextPerson = FIRST_PERSON_ID;
    let nextAuction = FIRST_AUCTION_ID;
    let previousTime = -Infinity;
    // Checked in plain code (an expect per field and event would dominate the test's time).
    const failures: string[] = [];
    const check = (condition: boolean, what: string, event: NexmarkEvent): void => {
      if (!condition && failures.length < 10) failures.push(`event ${event.eventNumber} (${event.kind}): ${what}: ${event.value.toString('latin1')}`);
    };
    for (const event of events) {
      check(event.timestampMs === eventTimestampMs(config, event.eventNumber), 'event time', event);
      check(event.timestampMs >= previousTime, 'times never decrease', event);
      previousTime = event.timestampMs;
      const lastPerson = lastBase0PersonId(event.eventNumber) + FIRST_PERSON_ID;
      const lastAuction = lastBase0AuctionId(event.eventNumber) + FIRST_AUCTION_ID;
      if (event.kind === 'person') {
        const person = parse<PersonRow>(event);
        check(person.ID === nextPerson++ && event.id === person.ID, 'dense person id', event);
        check(person.DATETIME === event.timestampMs, 'DATETIME', event);
        check(['AZ', 'CA', 'ID', 'OR', 'WA', 'WY'].includes(person.STATE), 'state', event);
        check(/^\d{4} \d{4} \d{4} \d{4}$/.test(person.CREDIT_CARD), 'credit card', event);
      } else if (event.kind === 'auction') {
        const auction = parse<AuctionRow>(event);
        check(auction.ID === nextAuction++ && event.id === auction.ID, 'dense auction id', event);
        check(auction.DATETIME === event.timestampMs, 'DATETIME', event);
        check(auction.EXPIRES > auction.DATETIME && auction.EXPIRES - auction.DATETIME <= maxAuctionLengthMs(config), 'auction length', event);
        check(auction.CATEGORY >= 10 && auction.CATEGORY <= 14, 'category', event);
        check(auction.RESERVE > auction.INITIAL_BID, 'reserve above the initial bid', event);
        // Sellers: existing people, or at most 10 ids ahead (the reference generator's lead).
        check(auction.SELLER >= FIRST_PERSON_ID && auction.SELLER <= lastPerson + 10, 'seller', event);
      } else {
        const bid = parse<BidRow>(event);
        check(event.id === -1, 'no key', event);
        check(bid.DATETIME === event.timestampMs, 'DATETIME', event);
        check(bid.AUCTION >= Math.max(FIRST_AUCTION_ID, lastAuction - DEFAULT_NEXMARK_CONFIG.numInFlightAuctions) && bid.AUCTION <= lastAuction + 10, 'auction in flight', event);
        check(bid.BIDDER >= FIRST_PERSON_ID && bid.BIDDER <= lastPerson + 10, 'bidder', event);
        check(Number.isInteger(bid.PRICE) && bid.PRICE >= 100 && bid.PRICE <= 100_000_000, 'price', event);
      }
    }
    expect(failures).toEqual([]);
    expect(nextPerson - FIRST_PERSON_ID).toBe(400);
    expect(nextAuction - FIRST_AUCTION_ID).toBe(1200);
  });

  it('follows the reference distributions: hot auctions, log-uniform prices, average sizes', () => {
    const events = generate(50_000);
    const bids = events.filter((e) => e.kind === 'bid').map((e) => parse<BidRow>(e));
    // Half the bids go to the hot auction (the first of a batch of 100), plus 1% of the others by chance.
    const hot = bids.filter((b) => b.AUCTION % 100 === 0).length / bids.length;
    expect(hot).toBeGreaterThan(0.47);
    expect(hot).toBeLessThan(0.54);
    // log10(price in dollars) is uniform over [0, 6): each decade holds about a sixth of the bids.
    const decades = [0, 0, 0, 0, 0, 0];
    for (const bid of bids) decades[Math.min(5, Math.floor(Math.log10(bid.PRICE / 100)))]!++;
    for (const decade of decades) expect(decade / bids.length).toBeCloseTo(1 / 6, 1);
    // Bid size: the fixed fields count 32 bytes and `extra` fills up to 100 on average.
    const extra = bids.reduce((sum, b) => sum + b.EXTRA.length, 0) / bids.length;
    expect(extra).toBeGreaterThan(60);
    expect(extra).toBeLessThan(76);
  });

  it('appends the events to the person, auction and bid topics: keyed by id, timestamped with event time', async () => {
    const log = await openLog({ dataDir: '/nexmark', fs: new MemoryFileSystem(), clock: new SimulatedClock(0), limits: withLimits(), maintenanceIntervalMs: 0 });
    await createNexmarkTopics(log);
    const counts = await appendEventsToLog(log, new NexmarkGenerator(), 5000, { batchRecordsMax: 300 });
    expect(counts).toMatchObject({ events: 5000, person: 100, auction: 300, bid: 4600 });
    expect(log.offsets('person', 0).highWatermark).toBe(100);
    expect(log.offsets('auction', 0).highWatermark).toBe(300);
    expect(log.offsets('bid', 0).highWatermark).toBe(4600);
    const expected = generate(5000).filter((e) => e.kind === 'auction');
    const read = await log.read('auction', 0, 0, 1 << 20);
    const records = read.batches.flatMap((batch) => decodeRecords(batch));
    expect(records.map((r) => [r.key!.readBigInt64BE(0), r.timestampMs, r.value!.toString('latin1')])).toEqual(
      expected.map((e) => [BigInt(e.id), e.timestampMs, e.value.toString('latin1')]),
    );
    const bid = (await log.read('bid', 0, 0, 1 << 20)).batches.flatMap((batch) => decodeRecords(batch))[0]!;
    expect(bid.key).toBeNull();
    await log.close();
  });

  it('rejects configurations it cannot follow', () => {
    expect(() => new NexmarkGenerator({ interEventDelayUs: 0 })).toThrow(/interEventDelayUs/);
    expect(() => new NexmarkGenerator({ hotAuctionRatio: 0 })).toThrow(/hotAuctionRatio/);
  });
});
