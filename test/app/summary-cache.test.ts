// The summary caches: the in-memory LRU every App process has, and the Redis one workers share (against a
// real redis-server when one is on PATH).
import { spawn, spawnSync, type ChildProcess } from 'node:child_process';
import { createConnection, type Socket } from 'node:net';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { MemorySummaryCache, RedisSummaryCache, type RedisLike } from '../../src/app/summary-cache.js';
import { freePort } from '../e2e/free-port.js';

describe('MemorySummaryCache', () => {
  it('returns what was set as plain data, never the same object', async () => {
    const cache = new MemorySummaryCache();
    const summary = { coroutines: ['fetch_invoice'], line: 12 };
    await cache.set('a1', summary);
    summary.coroutines.push('mutated after set');
    const got = (await cache.get('a1')) as typeof summary;
    expect(got).toEqual({ coroutines: ['fetch_invoice'], line: 12 });
    got.line = 99;
    expect(await cache.get('a1')).toEqual({ coroutines: ['fetch_invoice'], line: 12 });
    expect(await cache.get('missing')).toBeUndefined();
    expect(await cache.has('a1')).toBe(true);
    expect(await cache.has('missing')).toBe(false);
  });

  it('drops the least recently used summary past its entry cap', async () => {
    const cache = new MemorySummaryCache({ maxEntries: 2 });
    await cache.set('a', 1);
    await cache.set('b', 2);
    await cache.get('a'); // a is now more recent than b
    await cache.set('c', 3);
    expect(await cache.has('b')).toBe(false);
    expect(await cache.get('a')).toBe(1);
    expect(await cache.get('c')).toBe(3);
    expect(cache.size).toBe(2);
  });

  it('keeps its JSON under the size cap, and never holds a summary larger than the cap', async () => {
    const cache = new MemorySummaryCache({ maxChars: 30 });
    await cache.set('a', 'x'.repeat(10)); // 12 characters of JSON
    await cache.set('b', 'y'.repeat(10));
    await cache.set('c', 'z'.repeat(10)); // 36 > 30: a goes
    expect([await cache.has('a'), await cache.has('b'), await cache.has('c')]).toEqual([false, true, true]);
    await cache.set('huge', 'w'.repeat(100));
    expect(await cache.has('huge')).toBe(false);
    expect(await cache.has('c')).toBe(true);
    // Setting an id again replaces it without counting it twice.
    await cache.set('c', 'sh'); // 4 characters: 12 + 4 + 12 fits
    await cache.set('d', 'd'.repeat(10));
    expect([await cache.has('b'), await cache.has('c'), await cache.has('d')]).toEqual([true, true, true]);
  });
});

/** A minimal RESP client: just the commands the cache uses, as ioredis exposes them. */
class TinyRedis implements RedisLike {
  private buffer = Buffer.alloc(0);
  private readonly waiting: Array<{ resolve: (value: unknown) => void; reject: (error: Error) => void }> = [];

  private constructor(private readonly socket: Socket) {
    socket.on('data', (chunk: Buffer) => {
      this.buffer = Buffer.concat([this.buffer, chunk]);
      for (;;) {
        const parsed = parseReply(this.buffer, 0);
        if (!parsed) break;
        this.buffer = this.buffer.subarray(parsed.end);
        const next = this.waiting.shift()!;
        if (parsed.value instanceof Error) next.reject(parsed.value);
        else next.resolve(parsed.value);
      }
    });
  }

  static async connect(port: number): Promise<TinyRedis> {
    const socket = createConnection({ port, host: '127.0.0.1' });
    await new Promise<void>((resolve, reject) => socket.once('connect', resolve).once('error', reject));
    return new TinyRedis(socket);
  }

  command(...args: (string | number)[]): Promise<unknown> {
    const parts = args.map(String);
    this.socket.write(`*${parts.length}\r\n${parts.map((part) => `$${Buffer.byteLength(part)}\r\n${part}\r\n`).join('')}`);
    return new Promise((resolve, reject) => this.waiting.push({ resolve, reject }));
  }

  get = (key: string) => this.command('GET', key) as Promise<string | null>;
  set = (key: string, value: string, mode: 'EX', seconds: number) => this.command('SET', key, value, mode, seconds);
  exists = (key: string) => this.command('EXISTS', key) as Promise<number>;
  close = () => this.socket.end();
}

function parseReply(buffer: Buffer, start: number): { value: unknown; end: number } | undefined {
  const lineEnd = buffer.indexOf('\r\n', start);
  if (lineEnd < 0) return undefined;
  const line = buffer.toString('utf8', start + 1, lineEnd);
  switch (String.fromCharCode(buffer[start]!)) {
    case '+':
      return { value: line, end: lineEnd + 2 };
    case '-':
      return { value: new Error(line), end: lineEnd + 2 };
    case ':':
      return { value: Number(line), end: lineEnd + 2 };
    case '$': {
      const length = Number(line);
      if (length < 0) return { value: null, end: lineEnd + 2 };
      if (buffer.length < lineEnd + 2 + length + 2) return undefined;
      return { value: buffer.toString('utf8', lineEnd + 2, lineEnd + 2 + length), end: lineEnd + 2 + length + 2 };
    }
    default:
      throw new Error(`unexpected RESP reply ${line}`);
  }
}

const redisServer = spawnSync('redis-server', ['--version']).status === 0;

describe.skipIf(!redisServer)('RedisSummaryCache against a real redis-server (skipped: redis-server is not on PATH)', () => {
  let server: ChildProcess;
  let port: number;
  let redis: TinyRedis;

  beforeAll(async () => {
    port = await freePort();
    server = spawn('redis-server', ['--port', String(port), '--bind', '127.0.0.1', '--save', '', '--appendonly', 'no'], { stdio: 'ignore' });
    const deadline = Date.now() + 10_000;
    for (;;) {
      try {
        redis = await TinyRedis.connect(port);
        if ((await redis.command('PING')) === 'PONG') break;
      } catch (error) {
        if (Date.now() > deadline) throw error;
        await new Promise((resolve) => setTimeout(resolve, 50));
      }
    }
  });

  afterAll(async () => {
    redis?.close();
    server?.kill('SIGTERM');
  });

  it('shares summaries between two caches (two workers) under a versioned key that expires', async () => {
    const workerA = new RedisSummaryCache(redis, { ttlSeconds: 3600 });
    const workerB = new RedisSummaryCache(redis);
    const blobSha = 'e69de29bb2d1d6434b8b29ae775ad8c2e48c5391';
    expect(await workerB.get(blobSha)).toBeUndefined();
    expect(await workerB.has(blobSha)).toBe(false);
    await workerA.set(blobSha, { coroutines: ['fetch_invoice'] });
    expect(await workerB.get(blobSha)).toEqual({ coroutines: ['fetch_invoice'] });
    expect(await workerB.has(blobSha)).toBe(true);
    const ttl = (await redis.command('TTL', `async-review:summary:v1:${blobSha}`)) as number;
    expect(ttl).toBeGreaterThan(3500);
    expect(ttl).toBeLessThanOrEqual(3600);
  });

  it('keeps the summaries of another format apart', async () => {
    await new RedisSummaryCache(redis, { prefix: 'async-review:summary:v0:' }).set('abc', { old: true });
    expect(await new RedisSummaryCache(redis).get('abc')).toBeUndefined();
  });
});

describe('RedisSummaryCache when Redis fails', () => {
  it('treats errors as misses and never throws', async () => {
    const broken: RedisLike = {
      get: async () => {
        throw new Error('ECONNREFUSED');
      },
      set: async () => {
        throw new Error('ECONNREFUSED');
      },
    };
    const cache = new RedisSummaryCache(broken);
    await expect(cache.set('a', { x: 1 })).resolves.toBeUndefined();
    await expect(cache.get('a')).resolves.toBeUndefined();
    await expect(cache.has('a')).resolves.toBe(false);
  });

  it('treats a value that is not JSON as a miss', async () => {
    const cache = new RedisSummaryCache({ get: async () => '{not json', set: async () => 'OK' });
    expect(await cache.get('a')).toBeUndefined();
  });
});
