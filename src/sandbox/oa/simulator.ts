/**
 * Simulator of the cloud OA document API (oa.md): OAuth2 client-credentials tokens, the
 * document listing evaluated against the current data on every request, the single document.
 * `apply(wave)` upserts the wave's documents by docId.
 */
import type { IncomingMessage, RequestListener } from 'node:http';
import { SANDBOX_CREDENTIALS } from '../credentials.js';
import { FaultInjector, type FaultRule } from '../faults.js';
import type { Simulator, SimulatorOptions } from '../simulator.js';
import type { OaDocument, Wave } from '../world/types.js';
import { guarded, respond, retryAfter, type Exchange, type RefusalMode } from '../http/respond.js';
import type { Reply } from '../http/reply.js';
import { readBody } from '../http/requestBody.js';
import { pathParam, requestUrl } from '../http/requestTarget.js';
import { getDocument, grantToken, listDocuments, type OaCredentials } from './api.js';
import { DocumentStore } from './documents.js';
import { fail, jsonReply, type OaAnswer } from './envelope.js';
import { TokenStore, TOKEN_LIFETIME_SEC } from './tokens.js';

export const TOKEN_PATH = '/oa/oauth2/token';
export const DOCUMENTS_PATH = '/oa/api/v1/documents';

export interface OaSimulatorExtras {
  /** Accepted client; defaults to SANDBOX_CREDENTIALS.oa. */
  credentials?: OaCredentials;
  /** `expires_in` of issued tokens; defaults to 7200. */
  tokenLifetimeSec?: number;
}

export type OaSimulator = Simulator<OaDocument[], Pick<Wave, 'oa'>>;

const OVERSIZE = {
  contentType: 'application/json; charset=utf-8',
  head: '{"code":0,"msg":"success","data":{"total":1,"pageNo":1,"pageSize":100,"pages":1,"list":[',
  unit: '{"docId":"GW202300000000","docNo":"包发改审批〔2023〕1号","docType":"可研批复"},',
};

type Route = { kind: 'token' } | { kind: 'list' } | { kind: 'document'; docId: string };

function route(path: string): Route | undefined {
  if (path === TOKEN_PATH) return { kind: 'token' };
  if (path === DOCUMENTS_PATH) return { kind: 'list' };
  const docId = pathParam(path, DOCUMENTS_PATH);
  return docId === undefined ? undefined : { kind: 'document', docId };
}

function bearer(req: IncomingMessage, query: URLSearchParams): string | undefined {
  const m = /^Bearer\s+(\S+)$/i.exec(req.headers.authorization ?? '');
  return m?.[1] ?? query.get('access_token') ?? undefined;
}

/**
 * @example
 * const sim = createOaSimulator({ data: world.data.oa });
 * sim.faults.add({ mode: 'authExpired', pathPrefix: '/oa/api/' }); // next API call: 40001, all tokens void
 */
export function createOaSimulator(
  opts: SimulatorOptions<OaDocument[]>,
  extras: OaSimulatorExtras = {},
): OaSimulator {
  const store = new DocumentStore(opts.data);
  const faults = opts.faults ?? new FaultInjector();
  const tokens = new TokenStore(opts.now ?? Date.now, extras.tokenLifetimeSec ?? TOKEN_LIFETIME_SEC);
  const credentials = extras.credentials ?? SANDBOX_CREDENTIALS.oa;

  const refuser =
    (r: Route | undefined) =>
    (mode: RefusalMode, rule: FaultRule): Reply => {
      switch (mode) {
        case 'http429':
          return jsonReply({ ...fail(45009, 429), headers: { 'Retry-After': retryAfter(rule) } });
        case 'envelopeBusy':
          return jsonReply(fail(50001));
        case 'authExpired':
          tokens.invalidateAll();
          return jsonReply(fail(40001));
        case 'authFail':
          return jsonReply(fail(r?.kind === 'token' ? 40013 : 40001));
      }
    };

  const listener: RequestListener = guarded(async (req, res) => {
    const url = requestUrl(req);
    const rule = faults.next(url.pathname);
    const r = route(url.pathname);
    const exchange = (answer: (corrupt: boolean) => OaAnswer): Exchange => ({
      answer: ({ corrupt, mislabel }) => jsonReply(answer(corrupt), mislabel),
      refuse: refuser(r),
      oversize: OVERSIZE,
    });

    if (!r)
      return respond(
        req,
        res,
        rule,
        exchange(() => fail(40400, 404)),
      );
    const method = r.kind === 'token' ? 'POST' : 'GET';
    if (req.method !== method) {
      return respond(
        req,
        res,
        rule,
        exchange(() => ({ ...fail(40005, 405), headers: { Allow: method } })),
      );
    }
    if (r.kind === 'token') {
      const body = (await readBody(req, 64 * 1024)) ?? Buffer.alloc(0);
      const grant = {
        contentType: req.headers['content-type'] ?? '',
        authorization: req.headers.authorization,
        body,
      };
      return respond(
        req,
        res,
        rule,
        exchange(() => grantToken(tokens, credentials, grant)),
      );
    }
    const token = bearer(req, url.searchParams);
    respond(
      req,
      res,
      rule,
      exchange((corrupt) => {
        // Checked when answering, so a token invalidated while a slow answer waits is refused.
        if (!tokens.valid(token)) return fail(40001);
        return r.kind === 'list'
          ? listDocuments(store, url.searchParams, corrupt)
          : getDocument(store, r.docId, corrupt);
      }),
    );
  });

  return {
    system: 'oa',
    listener,
    faults,
    apply: (wave) => store.upsert(wave.oa),
    get data() {
      return store.all;
    },
  };
}
