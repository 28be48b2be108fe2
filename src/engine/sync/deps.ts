import type { Limits } from '../../protocol';
import type { Session } from '../auth/session';
import type { EngineContext } from '../context';
import type { ServerApi } from '../transport/api';
import type { RecordCipher } from './cipher';

/** What one sync run works with. */
export interface SyncDeps {
  readonly ctx: EngineContext;
  readonly api: ServerApi;
  readonly session: Session;
  readonly cipher: RecordCipher;
  readonly limits: Limits;
  /**
   * Progress of the run so far (records pulled and ops pushed / total). `estimated`: the total is
   * the server's word for what is left of the feed, an upper bound shown as "about".
   */
  progress(done: number, total: number, estimated?: boolean): void;
  /** The server's count of pairing requests from other devices, as seen on a pull. */
  pairingsNoticed(count: number): void;
  /** The server accepted one of this device's writes at this sequence. */
  wrote?(seq: number): void;
}
