import { describe, expect, it } from 'vitest';
import { parseDeadLetterId, pipelineDeadLetterId, webhookDeadLetterId } from './ids.js';

describe('dead-letter ids', () => {
  it('round-trip and stay URL-safe', () => {
    for (const jobId of ['17', 'repeat:abc/1?x#y', '表']) {
      const id = pipelineDeadLetterId('normalize', jobId);
      expect(id).toMatch(/^[A-Za-z0-9:%._~-]+$/);
      expect(parseDeadLetterId(id)).toEqual({ origin: 'pipeline', stage: 'normalize', jobId });
    }
    expect(parseDeadLetterId(webhookDeadLetterId('district-office', 12))).toEqual({
      origin: 'webhook',
      subscriber: 'district-office',
      n: 12,
    });
  });

  it('refuses unknown stages and malformed ids', () => {
    for (const id of ['job:nope:1', 'job:link:', 'wh:a:b', 'wh::1', 'x:1', 'job:link:%E0%A4%A'])
      expect(parseDeadLetterId(id), id).toBeNull();
  });
});
