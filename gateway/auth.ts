// Stargate's table-based auth: POST /v1/auth checks a username and password against Cassandra
// itself and answers a token; tokens live in a Cassandra table with a TTL that each use
// refreshes, so every gateway replica honours every token and an idle one expires on its own.
import { randomUUID } from "node:crypto";

export const tokenTtlSeconds = 1800;
export const tokenHeader = "X-Cassandra-Token";
export const missingTokenMessage = `Role unauthorized for operation: Missing token, expecting one in the ${tokenHeader} header.`;
export const invalidTokenMessage = "Role unauthorized for operation: Invalid token";
/** The same answer for an unknown user and a wrong password: nothing tells which one it was. */
export const badCredentialsMessage = "Failed to create token: Provided username and/or password are incorrect";

export interface TokenStore {
  save(token: string, username: string, ttlSeconds: number): Promise<void>;
  find(token: string): Promise<string | undefined>;
}

/** True when Cassandra accepts the login; false when it refuses it; throws when it cannot tell. */
export type CredentialsCheck = (username: string, password: string) => Promise<boolean>;

export interface AuthenticatorOptions {
  readonly ttlSeconds?: number;
  /** A token seen again within this time is trusted without a round trip (far below the TTL). */
  readonly refreshAfterMs?: number;
  readonly maxCached?: number;
  readonly now?: () => number;
}

const tokenShape = /^[0-9a-f]{8}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{12}$/i;

export class Authenticator {
  private readonly cache = new Map<string, { username: string; refreshedAt: number }>();
  private readonly ttlSeconds: number;
  private readonly refreshAfterMs: number;
  private readonly maxCached: number;
  private readonly now: () => number;

  constructor(private readonly store: TokenStore, private readonly check: CredentialsCheck, o: AuthenticatorOptions = {}) {
    this.ttlSeconds = o.ttlSeconds ?? tokenTtlSeconds;
    this.refreshAfterMs = o.refreshAfterMs ?? 60_000;
    this.maxCached = o.maxCached ?? 10_000;
    this.now = o.now ?? Date.now;
  }

  /** A new token, or undefined when the credentials are wrong. */
  async login(username: string, password: string): Promise<string | undefined> {
    if (!(await this.check(username, password))) return undefined;
    const token = randomUUID();
    await this.store.save(token, username, this.ttlSeconds);
    this.remember(token, username);
    return token;
  }

  /** The user a token belongs to, refreshing its TTL; undefined for an unknown or expired token. */
  async authenticate(token: string): Promise<string | undefined> {
    if (!tokenShape.test(token)) return undefined;
    const hit = this.cache.get(token);
    if (hit && this.now() - hit.refreshedAt < this.refreshAfterMs) return hit.username;
    const username = await this.store.find(token);
    if (username === undefined) { this.cache.delete(token); return undefined; }
    await this.store.save(token, username, this.ttlSeconds);
    this.remember(token, username);
    return username;
  }

  private remember(token: string, username: string): void {
    this.cache.delete(token);
    this.cache.set(token, { username, refreshedAt: this.now() });
    // Map keeps insertion order: the first key is the least recently refreshed.
    while (this.cache.size > this.maxCached) this.cache.delete(this.cache.keys().next().value as string);
  }
}
