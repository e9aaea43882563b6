/**
 * The OA endpoints (oa.md §1, §3) as functions of the stores and the request: the token grant,
 * the document listing and the single document.
 */
import { beijingToEpochMs } from '../../model/time.js';
import type { OaDocument } from '../world/types.js';
import type { DocumentStore } from './documents.js';
import { fail, type OaAnswer } from './envelope.js';
import type { TokenStore } from './tokens.js';

export interface OaCredentials {
  client_id: string;
  client_secret: string;
}

export const DEFAULT_PAGE_SIZE = 20;
export const MAX_PAGE_SIZE = 100;

function basicAuth(header: string | undefined): Partial<OaCredentials> {
  const m = /^Basic\s+(\S+)$/i.exec(header ?? '');
  if (!m) return {};
  const decoded = Buffer.from(m[1]!, 'base64').toString('utf8');
  const colon = decoded.indexOf(':');
  return colon < 0 ? {} : { client_id: decoded.slice(0, colon), client_secret: decoded.slice(colon + 1) };
}

function grantFields(contentType: string, body: Buffer): Record<string, unknown> | undefined {
  const text = body.toString('utf8');
  if (/^application\/json/i.test(contentType)) {
    try {
      const v: unknown = JSON.parse(text);
      return v !== null && typeof v === 'object' && !Array.isArray(v)
        ? (v as Record<string, unknown>)
        : undefined;
    } catch {
      return undefined;
    }
  }
  return Object.fromEntries(new URLSearchParams(text));
}

export interface TokenRequest {
  contentType: string;
  authorization: string | undefined;
  body: Buffer;
}

export function grantToken(tokens: TokenStore, accepted: OaCredentials, r: TokenRequest): OaAnswer {
  const fields = grantFields(r.contentType, r.body);
  if (!fields) return fail(40002, 200, 'body');
  if (fields['grant_type'] !== 'client_credentials') return fail(40002, 200, 'grant_type');
  const basic = basicAuth(r.authorization);
  const id = basic.client_id ?? fields['client_id'];
  const secret = basic.client_secret ?? fields['client_secret'];
  if (id !== accepted.client_id || secret !== accepted.client_secret) return fail(40013);
  return {
    status: 200,
    code: 0,
    msg: 'ok',
    data: { access_token: tokens.issue(), token_type: 'Bearer', expires_in: tokens.lifetimeSec },
  };
}

function positiveInt(
  raw: string | null,
  fallback: number,
  max = Number.MAX_SAFE_INTEGER,
): number | undefined {
  if (raw === null) return fallback;
  if (!/^\d{1,15}$/.test(raw)) return undefined;
  const n = Number(raw);
  return n >= 1 && n <= max ? n : undefined;
}

function validTime(s: string): boolean {
  if (!/^\d{4}-\d{2}-\d{2} \d{2}:\d{2}:\d{2}$/.test(s)) return false;
  try {
    beijingToEpochMs(s);
    return true;
  } catch {
    return false;
  }
}

/** A copy with a sign date no calendar has (oa.md §6). */
export function corruptDocument(d: OaDocument): OaDocument {
  return { ...d, signDate: '2023-13-45' };
}

export function listDocuments(store: DocumentStore, query: URLSearchParams, corrupt: boolean): OaAnswer {
  // An empty value is how some clients spell an omitted parameter.
  const from = query.get('updateTimeFrom') || undefined;
  if (from !== undefined && !validTime(from)) return fail(40002, 200, 'updateTimeFrom');
  const pageNo = positiveInt(query.get('pageNo'), 1);
  if (pageNo === undefined) return fail(40002, 200, 'pageNo');
  const pageSize = positiveInt(query.get('pageSize'), DEFAULT_PAGE_SIZE, MAX_PAGE_SIZE);
  if (pageSize === undefined) return fail(40002, 200, 'pageSize');

  const { ordered, start } = store.since(from);
  const total = ordered.length - start;
  const first = start + (pageNo - 1) * pageSize;
  const list = first < ordered.length ? ordered.slice(first, Math.min(first + pageSize, ordered.length)) : [];
  if (corrupt && list.length > 0) {
    const i = Math.floor(list.length / 2);
    list[i] = corruptDocument(list[i]!);
  }
  return {
    status: 200,
    code: 0,
    data: { total, pageNo, pageSize, pages: Math.ceil(total / pageSize), list },
  };
}

export function getDocument(store: DocumentStore, docId: string, corrupt: boolean): OaAnswer {
  const doc = store.get(docId);
  if (!doc) return fail(40404);
  return { status: 200, code: 0, data: corrupt ? corruptDocument(doc) : doc };
}
