/**
 * Retiring earlier epochs in the key document: `retiredBelow` is under the mac (the server can
 * neither add nor strip it), only ever rises, and a later rotation carries it forward.
 */
import { beforeAll, describe, expect, it } from 'vitest';
import { expectCode } from '../expect-code.test-helper';
import {
  createKeyDocument,
  generateMasterKey,
  generateRecoveryKey,
  inspectKeyDocument,
  retireKeyDocumentEpochs,
  rotateKeyDocument,
  unlockKeyDocument,
} from '../index';
import { ACCOUNT, decode, edit, FAST } from './key-document.test-helper';

let masters: Uint8Array[];
let recoveryKey: string;
/** Epoch 2, rotated from epoch 1, nothing retired. */
let epoch2: string;

beforeAll(async () => {
  masters = [generateMasterKey(), generateMasterKey(), generateMasterKey()];
  recoveryKey = generateRecoveryKey();
  const { document } = await createKeyDocument({
    master: masters[0] as Uint8Array,
    accountId: ACCOUNT,
    epoch: 1,
    recoveryKey,
    ...FAST,
  });
  ({ document: epoch2 } = await rotateKeyDocument(document, {
    accountId: ACCOUNT,
    master: masters[0] as Uint8Array,
    newMaster: masters[1] as Uint8Array,
    keepDevices: [],
    ...FAST,
  }));
});

const retire = (document: string, below: number, master = masters[1] as Uint8Array) =>
  retireKeyDocumentEpochs(document, { accountId: ACCOUNT, master, below, ...FAST });

describe('retiring earlier epochs', () => {
  it('records retiredBelow under the mac and keeps the earlier masters for pins to follow', async () => {
    expect(
      (await inspectKeyDocument(epoch2, ACCOUNT, masters[1] as Uint8Array, FAST)).retiredBelow,
    ).toBe(0);
    const retired = await retire(epoch2, 2);
    const opened = await inspectKeyDocument(retired, ACCOUNT, masters[1] as Uint8Array, FAST);
    expect(opened.retiredBelow).toBe(2);
    expect(opened.previous.map((earlier) => earlier.epoch)).toEqual([1]);
    // The secret wraps open it too, and see the same.
    expect((await unlockKeyDocument(retired, ACCOUNT, { recoveryKey }, FAST)).retiredBelow).toBe(2);
  });

  it('cannot be stripped, lowered or added by the server: the mac fails', async () => {
    const retired = await retire(epoch2, 2);
    const master = masters[1] as Uint8Array;
    const stripped = edit(retired, (json) => {
      delete json.retiredBelow;
    });
    await expectCode(
      () => inspectKeyDocument(stripped, ACCOUNT, master, FAST),
      'key_document_invalid',
    );
    const added = edit(epoch2, (json) => {
      json.retiredBelow = 2;
    });
    await expectCode(
      () => inspectKeyDocument(added, ACCOUNT, master, FAST),
      'key_document_invalid',
    );
  });

  it('refuses to retire the current epoch’s successor or with a master not the current one', async () => {
    await expectCode(() => retire(epoch2, 3), 'invalid_argument');
    await expectCode(() => retire(epoch2, 0), 'invalid_argument');
    await expectCode(() => retire(epoch2, 2, masters[0] as Uint8Array), 'wrong_key');
  });

  it('retiring no higher than before changes nothing', async () => {
    const retired = await retire(epoch2, 2);
    expect(await retire(retired, 2)).toBe(retired);
    expect(await retire(retired, 1)).toBe(retired);
  });

  it('a later rotation carries the retirement forward', async () => {
    const retired = await retire(epoch2, 2);
    const { document: epoch3 } = await rotateKeyDocument(retired, {
      accountId: ACCOUNT,
      master: masters[1] as Uint8Array,
      newMaster: masters[2] as Uint8Array,
      keepDevices: [],
      ...FAST,
    });
    expect(decode(epoch3).retiredBelow).toBe(2);
    const opened = await inspectKeyDocument(epoch3, ACCOUNT, masters[2] as Uint8Array, FAST);
    expect(opened.retiredBelow).toBe(2);
    expect(opened.previous.map((earlier) => earlier.epoch)).toEqual([2, 1]);
  });
});
