/**
 * nock 15 intercepts through @mswjs/interceptors, which calls Promise.withResolvers (Node ≥ 22).
 * The hub supports Node 20, so tests install this before any request is made. Test-only.
 */
export function installPromiseWithResolvers(): void {
  const P = Promise as unknown as { withResolvers?: () => unknown };
  P.withResolvers ??= () => {
    let resolve!: (v: unknown) => void;
    let reject!: (e: unknown) => void;
    const promise = new Promise((res, rej) => {
      resolve = res;
      reject = rej;
    });
    return { promise, resolve, reject };
  };
}
