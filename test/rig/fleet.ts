/**
 * The devices of a long property run: engines of one new account on a server of their own,
 * renewed every `renewEvery` cases (and after a failed one, so a shrinking counterexample starts
 * clean): engines closed, their databases deleted, the server stopped and a new one started. A
 * run of thousands of cases then holds no more than one batch's accounts, records and tombstones,
 * and its memory stays flat.
 */
import { startBackend, type TestBackend } from '../rig/backend';
import { connect, newDevice, type TestDevice } from './devices';
import { newPerson } from './test-backend';

export interface FleetOptions {
  names: string[];
  renewEvery: number;
  /** Settings for each new engine, before it signs in. */
  prepare(device: TestDevice): Promise<unknown>;
}

function deleteDatabase(factory: IDBFactory, name: string): Promise<void> {
  return new Promise((resolve, reject) => {
    const request = factory.deleteDatabase(name);
    // `blocked` only says a connection had not closed yet when asked; the delete goes on once it
    // has. One that never closes is a leak, and says so here instead of hanging the run.
    const timer = setTimeout(
      () => reject(new Error(`deleting ${name}: a connection to it stayed open`)),
      10_000,
    );
    request.onsuccess = () => {
      clearTimeout(timer);
      resolve();
    };
    request.onerror = () => {
      clearTimeout(timer);
      reject(request.error);
    };
  });
}

export class Fleet {
  devices: TestDevice[] = [];
  /** Cases started on the current devices. */
  private cases = 0;
  private backend: TestBackend | null = null;
  private stale = false;

  constructor(private readonly options: FleetOptions) {}

  /** The devices for the next case: the same as the last one's, or new ones when it is time. */
  async forCase(): Promise<TestDevice[]> {
    if (!this.backend || this.stale || this.cases >= this.options.renewEvery) await this.renew();
    this.cases += 1;
    return this.devices;
  }

  /** The case failed: whatever it left behind is not the next one's starting point. */
  failed(): void {
    this.stale = true;
  }

  async close(): Promise<void> {
    for (const device of this.devices) {
      await device.engine.close();
      await deleteDatabase(device.factory, device.dbName);
    }
    this.devices = [];
    await this.backend?.close();
    this.backend = null;
  }

  private async renew(): Promise<void> {
    await this.close();
    // A server of its own (not the project's shared one), so closing it frees what it held.
    const backend = await startBackend({ config: { registration: 'open' } });
    this.backend = backend;
    const person = newPerson();
    const devices: TestDevice[] = [];
    for (const name of this.options.names) {
      const created = await newDevice(name);
      await this.options.prepare(created);
      devices.push(created);
    }
    const [first, ...others] = devices as [TestDevice, ...TestDevice[]];
    const recoveryKey = await connect(first, backend, person);
    for (const other of others) await connect(other, backend, person, recoveryKey);
    this.devices = devices;
    this.cases = 0;
    this.stale = false;
  }
}
