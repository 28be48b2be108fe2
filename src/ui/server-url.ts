import { BridgeError } from './bridge';

/**
 * Normalises what a person typed as a server address. Plain http is accepted only for loopback
 * and private-network hosts (self-hosting at home); anything on the internet must use https so
 * tokens never cross it in the clear.
 */
export function parseServerUrl(input: string): string {
  const text = input.trim();
  let url: URL;
  try {
    url = new URL(/^[a-z][a-z0-9+.-]*:\/\//i.test(text) ? text : `https://${text}`);
  } catch {
    throw invalid();
  }
  if (url.protocol !== 'https:' && url.protocol !== 'http:') throw invalid();
  if (url.protocol === 'http:' && !isLocalHost(url.hostname)) {
    throw new BridgeError({
      code: 'insecure_server_url',
      message: 'http is only allowed for local servers',
    });
  }
  if (url.search || url.hash || url.username || url.password) throw invalid();
  return url.href.replace(/\/+$/, '');
}

function invalid() {
  return new BridgeError({ code: 'invalid_server_url', message: 'not a server URL' });
}

function isLocalHost(host: string): boolean {
  return (
    host === 'localhost' ||
    host.endsWith('.localhost') ||
    host === '[::1]' ||
    /^127\./.test(host) ||
    /^10\./.test(host) ||
    /^192\.168\./.test(host) ||
    /^172\.(1[6-9]|2\d|3[01])\./.test(host) ||
    host.endsWith('.local')
  );
}
