import { sleep } from './backoff.js';

/** Token bucket: `rps` tokens per second, at most `burst` saved up. One per system and process. */
export class TokenBucket {
  private tokens: number;
  private last: number;
  constructor(
    private readonly rps: number,
    private readonly burst: number,
    private readonly now: () => number = () => performance.now(),
  ) {
    this.tokens = burst;
    this.last = now();
  }

  /** Milliseconds to wait before a token is free (0 when one is free now); takes it. */
  reserve(): number {
    const t = this.now();
    this.tokens = Math.min(this.burst, this.tokens + ((t - this.last) / 1000) * this.rps);
    this.last = t;
    this.tokens -= 1;
    return this.tokens >= 0 ? 0 : Math.ceil((-this.tokens / this.rps) * 1000);
  }

  async take(signal?: AbortSignal): Promise<void> {
    const wait = this.reserve();
    if (wait > 0) await sleep(wait, signal);
  }
}
