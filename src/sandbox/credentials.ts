/**
 * Credentials the sandbox simulators accept and the demo configuration uses. They guard nothing
 * real: the simulators listen on 127.0.0.1 only.
 */
export const SANDBOX_CREDENTIALS = {
  budget: { SysCode: 'BTLEDGER', Token: 'yth-sandbox-token-7f3a' },
  oa: { client_id: 'bt-ledger-hub', client_secret: 'oa-sandbox-secret-91c2' },
  asset: { AppKey: 'ak-ledger-hub-01', AppSecret: 'asset-sandbox-secret-5d8e' },
  benefit: { token: 'benefit-sandbox-token-2b6f' },
  smartcity: { apiKey: 'sc-sandbox-key-8e1d', pushSecret: 'sc-sandbox-push-secret-4a0c' },
  trading: { accessKey: 'trading-sandbox-key-6c9b' },
} as const;
export type SandboxCredentials = typeof SANDBOX_CREDENTIALS;
