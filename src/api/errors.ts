import type { FastifyError, FastifyReply, FastifyRequest } from 'fastify';
import { ZodError } from 'zod';
import { HubError, HubErrors } from '../errors.js';
import type { ErrorBody } from './schemas/error.js';

function toHubError(err: FastifyError | Error, req: FastifyRequest): HubError {
  if (err instanceof HubError) return err;
  if (err instanceof ZodError)
    return HubErrors.API_BAD_REQUEST(
      err.issues.map((i) => `${i.path.join('.') || 'request'}: ${i.message}`).join('; '),
    );
  const status = (err as { statusCode?: number }).statusCode;
  if (status === 413) return HubErrors.API_PAYLOAD_TOO_LARGE(req.routeOptions.bodyLimit ?? '?');
  if (status && status < 500) return HubErrors.API_BAD_REQUEST(err.message);
  req.log.error({ err: err.message, url: req.url }, 'request failed');
  return HubErrors.INTERNAL();
}

/** Every error becomes `{error: {code, message}}` with its status; internals stay in the log. */
export function errorHandler(err: FastifyError | Error, req: FastifyRequest, reply: FastifyReply): void {
  const e = toHubError(err, req);
  if (e.status === 429 && e.retryAfterSec !== undefined)
    void reply.header('retry-after', String(e.retryAfterSec));
  const body: ErrorBody = { error: { code: e.code, message: e.message } };
  void reply.status(e.status).type('application/json; charset=utf-8').send(body);
}

export function notFoundHandler(req: FastifyRequest, reply: FastifyReply): void {
  const body: ErrorBody = {
    error: {
      code: HubErrors.API_NOT_FOUND.spec.code,
      message: `${req.method} ${req.url.split('?')[0]} not found`,
    },
  };
  void reply.status(404).send(body);
}
