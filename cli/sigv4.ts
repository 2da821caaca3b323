// SigV4 for the admin routes on AWS, which sit behind IAM authorisation on the HTTP API
// (service "execute-api"). Locally the admin listener is loopback-only and unsigned.
import { Sha256 } from '@aws-crypto/sha256-js';
import { SignatureV4 } from '@smithy/signature-v4';

export type Credentials = { accessKeyId: string; secretAccessKey: string; sessionToken?: string };
export type CredentialSource = Credentials | (() => Promise<Credentials>);

export interface SignableRequest {
  method: string;
  url: URL;
  headers: Record<string, string>;
  body?: string;
}

/** Returns the headers to send: the given ones plus host, x-amz-date, x-amz-content-sha256, authorization. */
export type RequestSigner = (request: SignableRequest) => Promise<Record<string, string>>;

export function createSigV4Signer(opts: { region: string; credentials: CredentialSource; now?: () => Date }): RequestSigner {
  const signer = new SignatureV4({ service: 'execute-api', region: opts.region, credentials: opts.credentials, sha256: Sha256 });
  return async ({ method, url, headers, body }) => {
    const query: Record<string, string | string[]> = {};
    for (const [key, value] of url.searchParams) {
      const existing = query[key];
      query[key] = existing === undefined ? value : [...(Array.isArray(existing) ? existing : [existing]), value];
    }
    const signed = await signer.sign(
      {
        method,
        protocol: url.protocol,
        hostname: url.hostname,
        ...(url.port ? { port: Number(url.port) } : {}),
        path: url.pathname,
        query,
        // fetch sends Host from the URL (host includes a non-default port), so sign that same value.
        headers: { ...headers, host: url.host },
        ...(body === undefined ? {} : { body }),
      },
      { signingDate: opts.now?.() },
    );
    return signed.headers;
  };
}

/** 127.0.0.0/8, ::1 and localhost: the local stack's admin listener, which takes no signature. */
export function isLoopback(url: URL): boolean {
  const host = url.hostname.replace(/^\[|\]$/g, '').toLowerCase();
  return host === 'localhost' || host.endsWith('.localhost') || host === '::1' || /^127(\.\d{1,3}){3}$/.test(host);
}

/**
 * --region wins; then the region in an execute-api host name (the only region whose
 * signature that host accepts); then AWS_REGION / AWS_DEFAULT_REGION for custom domains.
 */
export function resolveRegion(url: URL, explicit: string | undefined, env: NodeJS.ProcessEnv): string | undefined {
  if (explicit) return explicit;
  const fromHost = /\.execute-api\.([a-z0-9-]+)\.amazonaws\.com(?:\.cn)?$/i.exec(url.hostname)?.[1];
  return fromHost ?? (env.AWS_REGION || undefined) ?? (env.AWS_DEFAULT_REGION || undefined);
}

/**
 * Static keys from the environment when present (the first link of the default chain,
 * read from the CLI's own env so tests and wrappers can pass them); otherwise the
 * default Node provider chain: SSO, shared config/credentials files, container, instance.
 */
export function resolveCredentials(env: NodeJS.ProcessEnv, profile?: string): CredentialSource {
  const { AWS_ACCESS_KEY_ID: accessKeyId, AWS_SECRET_ACCESS_KEY: secretAccessKey, AWS_SESSION_TOKEN: sessionToken } = env;
  if (accessKeyId && secretAccessKey && !profile) return { accessKeyId, secretAccessKey, ...(sessionToken ? { sessionToken } : {}) };
  let provider: Promise<() => Promise<Credentials>> | undefined;
  return async () => {
    // Loaded on first use: the chain pulls in STS/SSO clients a local run never needs.
    provider ??= import('@aws-sdk/credential-providers').then(({ fromNodeProviderChain }) =>
      fromNodeProviderChain(profile ? { profile } : {}),
    );
    return (await provider)();
  };
}
