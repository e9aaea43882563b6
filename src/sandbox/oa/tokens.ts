/**
 * Access tokens of the OAuth2 client-credentials flow (oa.md §1): several may be valid at once;
 * each lives `lifetimeSec` unless the server invalidates all of them early (key rotation).
 */
import { randomBytes } from 'node:crypto';

export const TOKEN_LIFETIME_SEC = 7200;

export class TokenStore {
  private readonly expiry = new Map<string, number>();

  constructor(
    private readonly now: () => number,
    readonly lifetimeSec = TOKEN_LIFETIME_SEC,
  ) {}

  issue(): string {
    const t = this.now();
    // Dropping dead tokens on issue keeps long benchmark runs from accumulating them.
    for (const [token, until] of this.expiry) if (until <= t) this.expiry.delete(token);
    const token = randomBytes(24).toString('hex');
    this.expiry.set(token, t + this.lifetimeSec * 1000);
    return token;
  }

  valid(token: string | undefined): boolean {
    if (token === undefined) return false;
    const until = this.expiry.get(token);
    return until !== undefined && this.now() < until;
  }

  invalidateAll(): void {
    this.expiry.clear();
  }
}
