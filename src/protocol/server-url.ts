/**
 * The one rule for a sync server's address, shared by the engine (which sends the tokens there)
 * and the pages (which check it before asking for host permission). Plain http is accepted only
 * for loopback and private-network hosts (self-hosting at home): anything on the internet must
 * use https so tokens never cross it in the clear.
 */
export type ServerUrlProblem = 'invalid_server_url' | 'insecure_server_url';

export type ServerUrlCheck =
  | { ok: true; url: string }
  | { ok: false; code: ServerUrlProblem; message: string };

/** Normalises what a person typed (a bare host means https); a trailing slash is dropped. */
export function checkServerUrl(input: string): ServerUrlCheck {
  const text = input.trim();
  let url: URL;
  try {
    url = new URL(/^[a-z][a-z0-9+.-]*:\/\//i.test(text) ? text : `https://${text}`);
  } catch {
    return invalid('The server address is not a URL (e.g. https://sync.example.com)');
  }
  // Chromium's parser keeps what the standard refuses (spaces in a host become %20), so the host
  // is checked here rather than trusting `new URL` to throw in every runtime.
  if (!VALID_HOST.test(url.hostname)) {
    return invalid('The server address is not a URL (e.g. https://sync.example.com)');
  }
  if (url.protocol !== 'https:' && url.protocol !== 'http:') {
    return invalid('The server address must start with https:// (or http:// for a local server)');
  }
  if (url.username || url.password || url.search || url.hash) {
    return invalid('The server address must not contain a user name, password, query or fragment');
  }
  if (url.protocol === 'http:' && !isLocalHost(url.hostname)) {
    return {
      ok: false,
      code: 'insecure_server_url',
      message: 'http is only allowed for local servers; use https://',
    };
  }
  return { ok: true, url: `${url.origin}${url.pathname.replace(/\/+$/, '')}` };
}

/** A DNS name (IDNs arrive as punycode), an IPv4 address or a bracketed IPv6 address. */
const VALID_HOST =
  /^(?:[a-z0-9](?:[a-z0-9-]*[a-z0-9])?(?:\.[a-z0-9](?:[a-z0-9-]*[a-z0-9])?)*\.?|\[[0-9a-f:.]+\])$/i;

function invalid(message: string): ServerUrlCheck {
  return { ok: false, code: 'invalid_server_url', message };
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
