// The console's static files on the admin listener: GET / and any other non-/admin path
// (so a deep link such as /calls/call_x opens the app on that view).
import type { LambdaHttpHandler } from './http-gateway';
import { consoleFileFor } from '../console/build';

export const serveConsole: LambdaHttpHandler = async (event) => {
  const file = await consoleFileFor(event.rawPath);
  return {
    statusCode: 200,
    headers: {
      'content-type': file.contentType,
      'cache-control': 'no-cache',
      // The page may talk to this listener only: no other origin for scripts, styles,
      // fetches or media (recordings play through the browser from their own URL).
      'content-security-policy':
        "default-src 'self'; media-src 'self' https: http:; img-src 'self' data:; frame-ancestors 'none'; form-action 'self'; base-uri 'none'",
      'x-content-type-options': 'nosniff',
    },
    body: file.body,
  };
};
