/** The OA's `{code, msg, data}` envelope (oa.md §2) and its bytes. */
import { toJsonReply, type Reply } from '../http/reply.js';

export const OA_MSG = {
  0: 'success',
  40001: 'access_token 无效或已过期',
  40002: '参数错误',
  40005: '请求方法不支持',
  40013: 'client_id 或 client_secret 无效',
  40400: '接口不存在',
  40404: '公文不存在',
  45009: '请求过于频繁',
  50001: '系统繁忙，请稍后重试',
} as const;
export type OaCode = keyof typeof OA_MSG;

export interface OaAnswer {
  status: number;
  code: OaCode;
  msg?: string;
  data?: unknown;
  headers?: Record<string, string>;
}

export function fail(code: OaCode, status = 200, detail?: string): OaAnswer {
  return { status, code, msg: detail === undefined ? OA_MSG[code] : `${OA_MSG[code]}: ${detail}` };
}

/** UTF-8 JSON; `mislabel` keeps the bytes but declares them GBK. */
export function jsonReply(a: OaAnswer, mislabel = false): Reply {
  const envelope = { code: a.code, msg: a.msg ?? OA_MSG[a.code], data: a.data ?? null };
  return toJsonReply(a.status, envelope, a.headers, mislabel);
}
