/**
 * The account key: created on the account's first device (the recovery key is returned once and
 * never stored), unlocked on the others with the recovery key or the passphrase.
 */
import type { KeyDocument, KeyDocumentWrite } from '../../protocol';
import {
  type Argon2Params,
  CryptoError,
  createKeyDocument,
  deriveTokenRoot,
  generateMasterKey,
  generateRecoveryKey,
  inspectKeyDocument,
  type KeySecret,
  unlockKeyDocument,
} from '../crypto';
import type { KeysMeta } from '../db/schema';
import { KeyError } from '../errors';

/**
 * Test hooks only: PBKDF2 iterations below the 600,000 floor (new passphrase wraps are then
 * PBKDF2), or Argon2id parameters below 64 MiB, t=3, p=4 (crypto's IterationOptions).
 */
export interface KeyOptions {
  unsafeTestIterations?: number;
  unsafeTestArgon2?: Argon2Params;
}

function keyError(error: unknown): never {
  if (error instanceof CryptoError) {
    switch (error.code) {
      case 'wrong_secret':
        throw new KeyError(
          'wrong_secret',
          'That recovery key or passphrase does not unlock this account',
          error,
        );
      case 'invalid_recovery_key':
        // The parser's message says what is wrong (a typo, a length) without repeating the key.
        throw new KeyError('invalid_recovery_key', error.message, error);
      case 'weak_passphrase':
      case 'guessable_passphrase':
        throw new KeyError(error.code, error.message, error);
      case 'key_document_invalid':
      case 'unsupported_version':
        throw new KeyError(
          'key_document_invalid',
          "The account's key document is damaged or too new for this app",
          error,
        );
      default:
        break;
    }
  }
  throw error;
}

export interface NewAccountKey {
  keys: KeysMeta;
  write: KeyDocumentWrite;
  /** Shown to the person once; never stored by the engine. */
  recoveryKey: string;
}

export async function newAccountKey(
  accountId: string,
  passphrase: string | undefined,
  options: KeyOptions = {},
): Promise<NewAccountKey> {
  const master = generateMasterKey();
  const recoveryKey = generateRecoveryKey();
  const epoch = 1;
  try {
    const { document, fingerprint } = await createKeyDocument({
      master,
      accountId,
      epoch,
      recoveryKey,
      ...(passphrase === undefined ? {} : { passphrase }),
      ...options,
    });
    const tokenRoot = await deriveTokenRoot(master, accountId);
    const { authKey } = await inspectKeyDocument(document, accountId, master, options);
    return {
      keys: { accountId, master, tokenRoot, epoch, fingerprint, authKey },
      write: { key_document: document, key_fingerprint: fingerprint, epoch },
      recoveryKey,
    };
  } catch (error) {
    keyError(error);
  }
}

export async function unlockAccountKey(
  document: KeyDocument,
  accountId: string,
  secret: KeySecret,
  options: KeyOptions = {},
): Promise<KeysMeta> {
  try {
    const unlocked = await unlockKeyDocument(document.key_document, accountId, secret, options);
    if (unlocked.fingerprint !== document.key_fingerprint || unlocked.epoch !== document.epoch) {
      throw new KeyError(
        'key_document_invalid',
        "The key document does not match the account's published key fingerprint",
      );
    }
    return {
      accountId,
      master: unlocked.master,
      tokenRoot: unlocked.tokenRoot,
      epoch: unlocked.epoch,
      fingerprint: unlocked.fingerprint,
      previous: unlocked.previous,
      ...(unlocked.retiredBelow ? { retiredBelow: unlocked.retiredBelow } : {}),
      authKey: unlocked.authKey,
    };
  } catch (error) {
    if (error instanceof KeyError) throw error;
    keyError(error);
  }
}
