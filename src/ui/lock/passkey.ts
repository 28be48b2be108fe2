/**
 * WebAuthn for the device lock, run in the page (a service worker has no
 * navigator.credentials): a passkey whose PRF extension gives 32 bytes the worker seals the
 * lock's data key under. The worker never sees the passkey, only those bytes; the page forgets
 * them once sent.
 */
import { fromBase64url, toBase64url } from '../../protocol/base64url';

interface PrfResults {
  prf?: { enabled?: boolean; results?: { first?: ArrayBuffer } };
}

function prfInput(salt: Uint8Array<ArrayBuffer>) {
  return { prf: { eval: { first: salt } } } as AuthenticationExtensionsClientInputs;
}

/** Whether this browser can make a passkey with the PRF extension (false: the option is hidden). */
export async function passkeysOffered(): Promise<boolean> {
  if (typeof PublicKeyCredential === 'undefined') return false;
  const capabilities = (
    PublicKeyCredential as unknown as {
      getClientCapabilities?: () => Promise<Record<string, boolean>>;
    }
  ).getClientCapabilities;
  if (!capabilities) return false;
  try {
    return (await capabilities())['extension:prf'] === true;
  } catch {
    return false;
  }
}

/** Asks the authenticator for its PRF output for `salt` with the passkey `credentialId`. */
export async function passkeyOutput(credentialId: string, salt: string): Promise<string> {
  const id = fromBase64url(credentialId);
  const input = fromBase64url(salt);
  if (!id || !input) throw new Error('The stored passkey is damaged: set it up again');
  const credential = (await navigator.credentials.get({
    publicKey: {
      challenge: crypto.getRandomValues(new Uint8Array(32)),
      allowCredentials: [{ type: 'public-key', id }],
      userVerification: 'required',
      extensions: prfInput(input),
    },
  })) as PublicKeyCredential | null;
  const first = (credential?.getClientExtensionResults() as PrfResults | undefined)?.prf?.results
    ?.first;
  if (!first) throw new Error('This passkey cannot unlock Satchel (it gave no PRF output)');
  return toBase64url(new Uint8Array(first));
}

/** Makes a passkey for this device's lock and returns what the worker needs to seal under it. */
export async function createPasskey(): Promise<{
  credentialId: string;
  salt: string;
  output: string;
}> {
  const salt = crypto.getRandomValues(new Uint8Array(32));
  const credential = (await navigator.credentials.create({
    publicKey: {
      rp: { name: 'Satchel' },
      user: {
        id: crypto.getRandomValues(new Uint8Array(16)),
        name: 'Satchel device lock',
        displayName: 'Satchel device lock',
      },
      challenge: crypto.getRandomValues(new Uint8Array(32)),
      pubKeyCredParams: [
        { type: 'public-key', alg: -7 },
        { type: 'public-key', alg: -257 },
      ],
      authenticatorSelection: { userVerification: 'required', residentKey: 'discouraged' },
      extensions: prfInput(salt),
    },
  })) as PublicKeyCredential | null;
  if (!credential) throw new Error('No passkey was made');
  const results = credential.getClientExtensionResults() as PrfResults;
  if (!results.prf?.enabled)
    throw new Error('This authenticator cannot unlock Satchel (it does not support PRF)');
  const credentialId = toBase64url(new Uint8Array(credential.rawId));
  const saltText = toBase64url(salt);
  const first = results.prf.results?.first;
  // Some authenticators evaluate the PRF only when asked with get(), not at creation.
  const output = first
    ? toBase64url(new Uint8Array(first))
    : await passkeyOutput(credentialId, saltText);
  return { credentialId, salt: saltText, output };
}
