/**
 * The Nexmark event generator, following the reference generator (Apache Beam's
 * `NexmarkGenerator`, which Flink's nexmark and others copy) with its default configuration:
 *
 * - event n (n = 0, 1, ...) is, by n mod 50: 0 a Person, 1-3 an Auction, 4-49 a Bid (1:3:46);
 * - its event time is baseTime + floor(n * interEventDelayUs / 1000) (default 1000 us: 1,000
 *   events per second of event time, one millisecond each), so times never decrease;
 * - person and auction ids are dense, from 1000, assigned in event order (`lastBase0PersonId`);
 * - an auction's seller is, with probability 1 - 1/hotSellersRatio, the first person of the last
 *   batch of 100 people ("hot seller"), else a random one of the last numActivePeople people plus
 *   10 ids ahead (a person the generator will create soon, as the reference does); category is
 *   10 + uniform(5); expires = event time + 1 + uniform(2 * horizon), where horizon is the event
 *   time it takes to create numInFlightAuctions more auctions;
 * - a bid's auction is, with probability 1 - 1/hotAuctionRatio, the first auction of the last
 *   batch of 100 auctions, else a random one of the last numInFlightAuctions auctions plus 10
 *   ahead; its bidder likewise (hot bidders are the second person of a batch, so they do not
 *   collide with hot sellers); channel and url as Flink's generator adds them (4 hot channels
 *   half of the time, else one of 10,000);
 * - prices are round(10^(6u) * 100) cents for uniform u (log-uniform over 1 .. 1,000,000.00, the
 *   reference's heavy-tailed price), reserve = initial bid + another such price;
 * - strings (names, e-mails, descriptions, `extra` padding up to the average event sizes 200 /
 *   500 / 100 bytes) as the reference builds them.
 *
 * Differences from the reference: one seeded sfc32 stream for all events instead of
 * java.util.Random seeded per event id (so the values differ, the distributions do not), and
 * random strings are cut from a pre-generated pool of random characters (the generator must
 * produce millions of events per second). Each event is encoded once, as the JSON value Sluice's
 * `VALUE_FORMAT='JSON'` reads: upper-case field names, BIGINT times in epoch milliseconds.
 */
import { Random } from './random.js';

export interface NexmarkConfig {
  seed: number;
  /** Event time of event 0 (ms since the epoch). */
  baseTimeMs: number;
  /** Event-time gap between consecutive events, in microseconds (Beam: 1e6 / firstEventRate). */
  interEventDelayUs: number;
  numActivePeople: number;
  numInFlightAuctions: number;
  hotAuctionRatio: number;
  hotSellersRatio: number;
  hotBiddersRatio: number;
  avgPersonBytes: number;
  avgAuctionBytes: number;
  avgBidBytes: number;
}

/**
 * Beam's NexmarkConfiguration defaults, except the event-time rate: 1,000 events per second of
 * event time (Beam's default is 10,000) so that every event has a millisecond of its own. With
 * several events per millisecond a person and an auction referencing it can share a timestamp,
 * and then a stream-table join's result depends on how the engine breaks the tie.
 * Base time 2025-01-01T00:00:00Z (aligned to every window).
 */
export const DEFAULT_NEXMARK_CONFIG: Readonly<NexmarkConfig> = Object.freeze({
  seed: 42,
  baseTimeMs: Date.UTC(2025, 0, 1),
  interEventDelayUs: 1000,
  numActivePeople: 1000,
  numInFlightAuctions: 100,
  hotAuctionRatio: 2,
  hotSellersRatio: 4,
  hotBiddersRatio: 4,
  avgPersonBytes: 200,
  avgAuctionBytes: 500,
  avgBidBytes: 100,
});

export const PERSON_PROPORTION = 1;
export const AUCTION_PROPORTION = 3;
export const BID_PROPORTION = 46;
export const PROPORTION_DENOMINATOR = PERSON_PROPORTION + AUCTION_PROPORTION + BID_PROPORTION;
export const FIRST_PERSON_ID = 1000;
export const FIRST_AUCTION_ID = 1000;
export const FIRST_CATEGORY_ID = 10;
export const CATEGORY_COUNT = 5;
/** Ids ahead of the last one created that sellers, bidders and auctions may reference. */
const PERSON_ID_LEAD = 10;
const AUCTION_ID_LEAD = 10;
/** Hot sellers / bidders / auctions are the first (second) of batches of this many. */
const HOT_BATCH = 100;
const HOT_CHANNELS = ['Google', 'Facebook', 'Baidu', 'Apple'];
const HOT_CHANNELS_RATIO = 2;
const CHANNEL_COUNT = 10_000;
const US_STATES = ['AZ', 'CA', 'ID', 'OR', 'WA', 'WY'];
const US_CITIES = ['Phoenix', 'Los Angeles', 'San Francisco', 'Boise', 'Portland', 'Bend', 'Redmond', 'Seattle', 'Kent', 'Cheyenne'];
const FIRST_NAMES = ['Peter', 'Paul', 'Luke', 'John', 'Saul', 'Vicky', 'Kate', 'Julie', 'Sarah', 'Deiter', 'Walter'];
const LAST_NAMES = ['Shultz', 'Abrams', 'Spencer', 'White', 'Bartels', 'Walton', 'Smith', 'Jones', 'Noris'];
const MIN_STRING_LENGTH = 3;
const POOL_CHARS = 1 << 16;

export type NexmarkEventKind = 'person' | 'auction' | 'bid';

export interface NexmarkEvent {
  kind: NexmarkEventKind;
  /** Position in the event sequence (0-based). */
  eventNumber: number;
  /** Event time (ms since the epoch); also the record timestamp. */
  timestampMs: number;
  /** Person or auction id (the record key); -1 for bids (no key). */
  id: number;
  /** The JSON value (ASCII): a view into a chunk shared with neighbouring events, never overwritten. */
  value: Buffer;
}

/** The fields as the JSON values carry them (upper case, as the SQL declares them). */
export interface PersonRow {
  ID: number;
  NAME: string;
  EMAIL_ADDRESS: string;
  CREDIT_CARD: string;
  CITY: string;
  STATE: string;
  DATETIME: number;
  EXTRA: string;
}
export interface AuctionRow {
  ID: number;
  ITEM_NAME: string;
  DESCRIPTION: string;
  INITIAL_BID: number;
  RESERVE: number;
  DATETIME: number;
  EXPIRES: number;
  SELLER: number;
  CATEGORY: number;
  EXTRA: string;
}
export interface BidRow {
  AUCTION: number;
  BIDDER: number;
  PRICE: number;
  CHANNEL: string;
  URL: string;
  DATETIME: number;
  EXTRA: string;
}

export function kindOfEvent(eventNumber: number): NexmarkEventKind {
  const offset = eventNumber % PROPORTION_DENOMINATOR;
  if (offset < PERSON_PROPORTION) return 'person';
  if (offset < PERSON_PROPORTION + AUCTION_PROPORTION) return 'auction';
  return 'bid';
}

/** Beam's lastBase0PersonId: the last person id created at or before event `eventNumber` (base 0). */
export function lastBase0PersonId(eventNumber: number): number {
  const epoch = Math.floor(eventNumber / PROPORTION_DENOMINATOR);
  let offset = eventNumber % PROPORTION_DENOMINATOR;
  if (offset >= PERSON_PROPORTION) offset = PERSON_PROPORTION - 1;
  return epoch * PERSON_PROPORTION + offset;
}

/** Beam's lastBase0AuctionId. */
export function lastBase0AuctionId(eventNumber: number): number {
  let epoch = Math.floor(eventNumber / PROPORTION_DENOMINATOR);
  let offset = eventNumber % PROPORTION_DENOMINATOR;
  if (offset < PERSON_PROPORTION) {
    epoch--;
    offset = AUCTION_PROPORTION - 1;
  } else if (offset >= PERSON_PROPORTION + AUCTION_PROPORTION) {
    offset = AUCTION_PROPORTION - 1;
  } else {
    offset -= PERSON_PROPORTION;
  }
  return epoch * AUCTION_PROPORTION + offset;
}

export function eventTimestampMs(config: NexmarkConfig, eventNumber: number): number {
  return config.baseTimeMs + Math.floor((eventNumber * config.interEventDelayUs) / 1000);
}

/** Events it takes to create numInFlightAuctions auctions (the auction-length horizon). */
function eventsForInFlightAuctions(config: NexmarkConfig): number {
  return Math.floor((config.numInFlightAuctions * PROPORTION_DENOMINATOR) / AUCTION_PROPORTION);
}

/** The longest auction the generator can create (expires - dateTime), in ms. */
export function maxAuctionLengthMs(config: NexmarkConfig): number {
  const horizonMs = Math.ceil((eventsForInFlightAuctions(config) * config.interEventDelayUs) / 1000);
  return Math.max(horizonMs * 2, 1);
}

/** Event time spanned by `events` events, in ms. */
export function eventTimeSpanMs(config: NexmarkConfig, events: number): number {
  return eventTimestampMs(config, Math.max(events - 1, 0)) - config.baseTimeMs;
}

/** A pre-encoded ASCII constant. */
const ascii = (text: string): Buffer => Buffer.from(text, 'latin1');
const DIGIT_0 = 48;
const SPACE = 32;
const CHUNK_BYTES = 4 * 1024 * 1024;
/** Larger than any encoded event (the auction's ~650 bytes plus its longest strings). */
const EVENT_BYTES_MAX = 4096;

const FIRST_NAME_BYTES = FIRST_NAMES.map(ascii);
const LAST_NAME_BYTES = LAST_NAMES.map(ascii);
const CITY_BYTES = US_CITIES.map(ascii);
const STATE_BYTES = US_STATES.map(ascii);
const JSON_PERSON_ID = ascii('{"ID":');
const JSON_PERSON_NAME = ascii(',"NAME":"');
const JSON_PERSON_EMAIL = ascii('","EMAIL_ADDRESS":"');
const JSON_PERSON_CARD = ascii('","CREDIT_CARD":"');
const JSON_PERSON_CITY = ascii('","CITY":"');
const JSON_PERSON_STATE = ascii('","STATE":"');
const JSON_STRING_DATETIME = ascii('","DATETIME":');
const JSON_EXTRA = ascii(',"EXTRA":"');
const JSON_END = ascii('"}');
const JSON_AUCTION_ID = ascii('{"ID":');
const JSON_AUCTION_ITEM_NAME = ascii(',"ITEM_NAME":"');
const JSON_AUCTION_DESCRIPTION = ascii('","DESCRIPTION":"');
const JSON_AUCTION_INITIAL_BID = ascii('","INITIAL_BID":');
const JSON_AUCTION_RESERVE = ascii(',"RESERVE":');
const JSON_DATETIME = ascii(',"DATETIME":');
const JSON_AUCTION_EXPIRES = ascii(',"EXPIRES":');
const JSON_AUCTION_SELLER = ascii(',"SELLER":');
const JSON_AUCTION_CATEGORY = ascii(',"CATEGORY":');
const JSON_BID_AUCTION = ascii('{"AUCTION":');
const JSON_BID_BIDDER = ascii(',"BIDDER":');
const JSON_BID_PRICE = ascii(',"PRICE":');
const EMAIL_DOMAIN_END = ascii('.com');

export class NexmarkGenerator {
  readonly config: Readonly<NexmarkConfig>;
  private readonly random: Random;
  private eventNumber = 0;
  /** Pools of random characters that strings are cut from: letters only, and letters with spaces (1 in 13). */
  private readonly letters: Buffer;
  private readonly spaced: Buffer;
  /** `,"CHANNEL":"..","URL":".."` per channel, pre-encoded. */
  private readonly channelFragments: Buffer[];
  private readonly hotChannelFragments: Buffer[];
  private readonly inFlightEvents: number;
  /** Events are encoded into chunks; an event's value is a view into one. */
  private out: Buffer = Buffer.allocUnsafe(CHUNK_BYTES);
  private position = 0;

  constructor(config: Partial<NexmarkConfig> = {}) {
    this.config = Object.freeze({ ...DEFAULT_NEXMARK_CONFIG, ...config });
    const c = this.config;
    if (!(c.interEventDelayUs > 0)) throw new Error(`interEventDelayUs: expected > 0, found ${c.interEventDelayUs}`);
    const positive = { numActivePeople: c.numActivePeople, numInFlightAuctions: c.numInFlightAuctions, hotAuctionRatio: c.hotAuctionRatio, hotSellersRatio: c.hotSellersRatio, hotBiddersRatio: c.hotBiddersRatio };
    for (const [name, value] of Object.entries(positive)) {
      if (!Number.isInteger(value) || value < 1) throw new Error(`${name}: expected a positive integer, found ${value}`);
    }
    for (const [name, value] of Object.entries({ avgPersonBytes: c.avgPersonBytes, avgAuctionBytes: c.avgAuctionBytes, avgBidBytes: c.avgBidBytes })) {
      if (!Number.isInteger(value) || value < 0 || value > 1000) throw new Error(`${name}: expected an integer in 0..1000, found ${value}`);
    }
    this.random = new Random(c.seed);
    // Pools and channel names come from their own stream, so they do not shift the events' values.
    const poolRandom = new Random((c.seed ^ 0x5bd1e995) >>> 0);
    this.letters = Buffer.allocUnsafe(POOL_CHARS);
    this.spaced = Buffer.allocUnsafe(POOL_CHARS);
    for (let i = 0; i < POOL_CHARS; i++) {
      this.letters[i] = 97 + poolRandom.nextInt(26);
      this.spaced[i] = poolRandom.nextInt(13) === 0 ? SPACE : 97 + poolRandom.nextInt(26);
    }
    const baseUrl = (): string => {
      const part = (): string => {
        const length = MIN_STRING_LENGTH + poolRandom.nextInt(5 - MIN_STRING_LENGTH);
        let text = '';
        for (let i = 0; i < length; i++) text += String.fromCharCode(97 + poolRandom.nextInt(26));
        return text;
      };
      return `https://www.nexmark.com/${part()}/${part()}/${part()}/item.htm?query=1`;
    };
    this.hotChannelFragments = HOT_CHANNELS.map((channel) => ascii(`,"CHANNEL":"${channel}","URL":"${baseUrl()}"`));
    this.channelFragments = Array.from({ length: CHANNEL_COUNT }, (_, i) => ascii(`,"CHANNEL":"channel-${i}","URL":"${baseUrl()}&channel_id=${i}"`));
    this.inFlightEvents = eventsForInFlightAuctions(c);
  }

  /** Events generated so far (the number of the next event). */
  get eventsGenerated(): number {
    return this.eventNumber;
  }

  next(): NexmarkEvent {
    const eventNumber = this.eventNumber++;
    const timestampMs = eventTimestampMs(this.config, eventNumber);
    if (this.position + EVENT_BYTES_MAX > this.out.length) {
      this.out = Buffer.allocUnsafe(CHUNK_BYTES);
      this.position = 0;
    }
    const start = this.position;
    const offset = eventNumber % PROPORTION_DENOMINATOR;
    let kind: NexmarkEventKind;
    let id = -1;
    if (offset < PERSON_PROPORTION) {
      kind = 'person';
      id = this.person(eventNumber, timestampMs);
    } else if (offset < PERSON_PROPORTION + AUCTION_PROPORTION) {
      kind = 'auction';
      id = this.auction(eventNumber, timestampMs);
    } else {
      kind = 'bid';
      this.bid(eventNumber, timestampMs);
    }
    return { kind, eventNumber, timestampMs, id, value: this.out.subarray(start, this.position) };
  }

  // ---- bytes ----

  private put(bytes: Buffer): void {
    const out = this.out;
    let position = this.position;
    for (let i = 0; i < bytes.length; i++) out[position++] = bytes[i]!;
    this.position = position;
  }

  /** A non-negative integer below 2^53 in decimal. */
  private putInteger(value: number): void {
    if (value < 100_000_000) {
      this.putSmallInteger(value, 0);
      return;
    }
    const high = Math.floor(value / 100_000_000);
    this.putSmallInteger(high, 0);
    this.putSmallInteger(value - high * 100_000_000, 8);
  }

  /** value < 10^8 (int arithmetic), zero-padded to `width` digits. */
  private putSmallInteger(value: number, width: number): void {
    const out = this.out;
    let digits = 1;
    for (let rest = value; rest >= 10; rest = (rest / 10) | 0) digits++;
    if (digits < width) digits = width;
    let position = this.position + digits;
    this.position = position;
    let rest = value;
    for (let i = 0; i < digits; i++) {
      const quotient = (rest / 10) | 0;
      out[--position] = DIGIT_0 + (rest - quotient * 10);
      rest = quotient;
    }
  }

  private putFourDigits(value: number): void {
    const out = this.out;
    const position = this.position;
    out[position] = DIGIT_0 + Math.floor(value / 1000);
    out[position + 1] = DIGIT_0 + (Math.floor(value / 100) % 10);
    out[position + 2] = DIGIT_0 + (Math.floor(value / 10) % 10);
    out[position + 3] = DIGIT_0 + (value % 10);
    this.position = position + 4;
  }

  /** Up to maxLength - 1 characters with spaces, trimmed (Beam's nextString); returns the length written. */
  private putString(maxLength: number): number {
    const length = MIN_STRING_LENGTH + this.random.nextInt(maxLength - MIN_STRING_LENGTH);
    let start = this.random.nextInt(POOL_CHARS - length);
    let end = start + length;
    const spaced = this.spaced;
    while (start < end && spaced[start] === SPACE) start++;
    while (end > start && spaced[end - 1] === SPACE) end--;
    spaced.copy(this.out, this.position, start, end);
    this.position += end - start;
    return end - start;
  }

  /** Padding so that the event's size is on average `averageBytes` (Beam's nextExtra): letters only. */
  private putExtra(currentBytes: number, averageBytes: number): void {
    if (currentBytes > averageBytes) return;
    const desired = averageBytes - currentBytes;
    const delta = Math.round(desired * 0.2);
    const size = desired - delta + (delta === 0 ? 0 : this.random.nextInt(2 * delta));
    const start = this.random.nextInt(POOL_CHARS - size);
    this.letters.copy(this.out, this.position, start, start + size);
    this.position += size;
  }

  /** round(10^(6u) * 100) for uniform u: 1.00 .. 1,000,000.00 in cents, log-uniform (Beam's nextPrice). */
  private nextPrice(): number {
    return Math.round(Math.exp(this.random.nextDouble() * PRICE_EXPONENT) * 100);
  }

  private nextBase0PersonId(eventNumber: number): number {
    const people = lastBase0PersonId(eventNumber) + 1;
    const active = Math.min(people, this.config.numActivePeople);
    return people - active + this.random.nextLong(active + PERSON_ID_LEAD);
  }

  private nextBase0AuctionId(eventNumber: number): number {
    const maxAuction = lastBase0AuctionId(eventNumber);
    const minAuction = Math.max(maxAuction - this.config.numInFlightAuctions, 0);
    return minAuction + this.random.nextLong(maxAuction - minAuction + 1 + AUCTION_ID_LEAD);
  }

  // ---- events ----

  private person(eventNumber: number, timestampMs: number): number {
    const random = this.random;
    const id = lastBase0PersonId(eventNumber) + FIRST_PERSON_ID;
    this.put(JSON_PERSON_ID);
    this.putInteger(id);
    this.put(JSON_PERSON_NAME);
    const first = FIRST_NAME_BYTES[random.nextInt(FIRST_NAME_BYTES.length)]!;
    const last = LAST_NAME_BYTES[random.nextInt(LAST_NAME_BYTES.length)]!;
    this.put(first);
    this.out[this.position++] = SPACE;
    this.put(last);
    this.put(JSON_PERSON_EMAIL);
    let emailLength = this.putString(7) + 1;
    this.out[this.position++] = 64; // @
    emailLength += this.putString(5);
    this.put(EMAIL_DOMAIN_END);
    emailLength += EMAIL_DOMAIN_END.length;
    this.put(JSON_PERSON_CARD);
    for (let group = 0; group < 4; group++) {
      if (group > 0) this.out[this.position++] = SPACE;
      this.putFourDigits(random.nextInt(10000));
    }
    this.put(JSON_PERSON_CITY);
    const city = CITY_BYTES[random.nextInt(CITY_BYTES.length)]!;
    this.put(city);
    this.put(JSON_PERSON_STATE);
    const state = STATE_BYTES[random.nextInt(STATE_BYTES.length)]!;
    this.put(state);
    this.put(JSON_STRING_DATETIME);
    this.putInteger(timestampMs);
    this.put(JSON_EXTRA);
    this.putExtra(8 + first.length + 1 + last.length + emailLength + 19 + city.length + state.length, this.config.avgPersonBytes);
    this.put(JSON_END);
    return id;
  }

  private auction(eventNumber: number, timestampMs: number): number {
    const random = this.random;
    const config = this.config;
    const id = lastBase0AuctionId(eventNumber) + FIRST_AUCTION_ID;
    let seller: number;
    if (random.nextInt(config.hotSellersRatio) > 0) seller = Math.floor(lastBase0PersonId(eventNumber) / HOT_BATCH) * HOT_BATCH;
    else seller = this.nextBase0PersonId(eventNumber);
    seller += FIRST_PERSON_ID;
    const category = FIRST_CATEGORY_ID + random.nextInt(CATEGORY_COUNT);
    const initialBid = this.nextPrice();
    const horizonMs = eventTimestampMs(config, eventNumber + this.inFlightEvents) - timestampMs;
    const expires = timestampMs + 1 + random.nextLong(Math.max(horizonMs * 2, 1));
    this.put(JSON_AUCTION_ID);
    this.putInteger(id);
    this.put(JSON_AUCTION_ITEM_NAME);
    const nameLength = this.putString(20);
    this.put(JSON_AUCTION_DESCRIPTION);
    const descriptionLength = this.putString(100);
    const reserve = initialBid + this.nextPrice();
    this.put(JSON_AUCTION_INITIAL_BID);
    this.putInteger(initialBid);
    this.put(JSON_AUCTION_RESERVE);
    this.putInteger(reserve);
    this.put(JSON_DATETIME);
    this.putInteger(timestampMs);
    this.put(JSON_AUCTION_EXPIRES);
    this.putInteger(expires);
    this.put(JSON_AUCTION_SELLER);
    this.putInteger(seller);
    this.put(JSON_AUCTION_CATEGORY);
    this.putInteger(category);
    this.put(JSON_EXTRA);
    this.putExtra(8 + nameLength + descriptionLength + 40, config.avgAuctionBytes);
    this.put(JSON_END);
    return id;
  }

  private bid(eventNumber: number, timestampMs: number): void {
    const random = this.random;
    const config = this.config;
    let auction: number;
    if (random.nextInt(config.hotAuctionRatio) > 0) auction = Math.floor(lastBase0AuctionId(eventNumber) / HOT_BATCH) * HOT_BATCH;
    else auction = this.nextBase0AuctionId(eventNumber);
    auction += FIRST_AUCTION_ID;
    let bidder: number;
    if (random.nextInt(config.hotBiddersRatio) > 0) bidder = Math.floor(lastBase0PersonId(eventNumber) / HOT_BATCH) * HOT_BATCH + 1;
    else bidder = this.nextBase0PersonId(eventNumber);
    bidder += FIRST_PERSON_ID;
    const price = this.nextPrice();
    const channel =
      random.nextInt(HOT_CHANNELS_RATIO) > 0
        ? this.hotChannelFragments[random.nextInt(HOT_CHANNELS.length)]!
        : this.channelFragments[random.nextInt(CHANNEL_COUNT)]!;
    this.put(JSON_BID_AUCTION);
    this.putInteger(auction);
    this.put(JSON_BID_BIDDER);
    this.putInteger(bidder);
    this.put(JSON_BID_PRICE);
    this.putInteger(price);
    this.put(channel);
    this.put(JSON_DATETIME);
    this.putInteger(timestampMs);
    this.put(JSON_EXTRA);
    this.putExtra(32, config.avgBidBytes);
    this.put(JSON_END);
  }
}

const PRICE_EXPONENT = 6 * Math.LN10;

/** The record key of a person or auction: the id as an 8-byte big-endian BIGINT (KEY_FORMAT='KAFKA'). */
export function encodeIdKey(id: number): Buffer {
  const key = Buffer.allocUnsafe(8);
  key.writeUInt32BE(Math.floor(id / 4294967296), 0);
  key.writeUInt32BE(id >>> 0, 4);
  return key;
}
