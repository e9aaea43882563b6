/**
 * The only place that builds the Redis keys of webhook delivery and of its dead letters (the
 * ledger's own keys live in src/ledger/keys.ts). One subscriber's keys share the hash tag
 * `{wh:<id>}`, so its Lua scripts stay within one slot.
 */
export function webhookKeys(prefix: string) {
  const p = prefix;
  const tag = (id: string) => `${p}:wh:{wh:${id}}`;
  return {
    /** Seq of the last change entry this subscriber is done with (delivered, skipped or dead-lettered). */
    cursor: (id: string) => `${tag(id)}:cursor`,
    /** Lease of the process delivering to this subscriber (SET NX PX, renewed while held). */
    lock: (id: string) => `${tag(id)}:lock`,
    /** Dead-lettered batches: n → JSON. */
    deadLetters: (id: string) => `${tag(id)}:dl`,
    /** Counter that numbers the dead letters (never reset, so ids are never reused). */
    deadLetterSeq: (id: string) => `${tag(id)}:dl:n`,
    /** Dead letters queued for replay, scored by n (oldest first). */
    replays: (id: string) => `${tag(id)}:replay`,
    /** Subscribers that have ever had a dead letter (so removed subscribers are still listed). */
    deadLetterSubscribers: `${p}:wh:dlsubs`,
  };
}
export type WebhookKeys = ReturnType<typeof webhookKeys>;
