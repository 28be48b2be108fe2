/**
 * Satchel's end-to-end encryption, WebCrypto only. Design notes: ./README.md.
 */

export {
  estimatePassphrase,
  MIN_PASSPHRASE_SCORE,
  type PassphraseEstimate,
} from '../../protocol/passphrase-strength';
export type { Bytes } from './bytes';
export { ENVELOPE_VERSION, openRecord, type RecordAad, sealRecord } from './envelope';
export { CryptoError, type CryptoErrorCode } from './errors';
export {
  type AccountKeys,
  collectionToken,
  type DeriveOptions,
  deriveAccountKeys,
  deriveTokenRoot,
  fingerprintOf,
  generateMasterKey,
} from './kdf';
export {
  type AddDeviceRecipientInput,
  ARGON2_DEFAULTS,
  type Argon2Params,
  addDeviceRecipient,
  type CreateKeyDocumentInput,
  createKeyDocument,
  type DeviceIdentity,
  type DeviceKeyPair,
  generateDeviceKeyPair,
  type InspectedKeyDocument,
  type IterationOptions,
  inspectKeyDocument,
  isDeviceName,
  KEY_DOCUMENT_VERSION,
  type KeyDocumentVersion,
  type KeyEpoch,
  type KeySecret,
  MAX_DEVICE_NAME_LENGTH,
  MIN_PASSPHRASE_LENGTH,
  type NameDeviceRecipientInput,
  nameDeviceRecipient,
  openKeyDocumentAsDevice,
  PBKDF2_MIN_ITERATIONS,
  passphraseKdfFor,
  type RetireEpochsInput,
  type RewrapKeyDocumentInput,
  type RotatedKeyDocument,
  type RotateKeyDocumentInput,
  retireKeyDocumentEpochs,
  rewrapKeyDocument,
  rotateKeyDocument,
  type UnlockedKeyDocument,
  unlockKeyDocument,
} from './key-document';
export { type VerifiedKeyDocument, verifyKeyDocument } from './key-document/verify';
export {
  createLock,
  createPrfWrap,
  type LockWrap,
  openLocal,
  openLock,
  openPrfWrap,
  PRF_OUTPUT_BYTES,
  type PrfWrap,
  type SealedBytes,
  sealLocal,
} from './local-lock';
export {
  checkReveal,
  codesMatch,
  confirmPairing,
  type ExistingDevicePairingSecret,
  type NewDevicePairingSecret,
  offerPairing,
  openPairingBundle,
  PAIRING_BUNDLE_VERSION,
  PAIRING_CURVES,
  type PairingContext,
  type PairingCurve,
  type PairingOffer,
  type PairingReveal,
  revealPairing,
  sealPairingBundle,
  startPairing,
  supportsX25519,
} from './pairing';
export {
  formatRecoveryKey,
  generateRecoveryKey,
  parseRecoveryKey,
  RECOVERY_KEY_BYTES,
} from './recovery-key';
