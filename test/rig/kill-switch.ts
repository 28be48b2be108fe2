/**
 * A worker that can be killed at an arbitrary await, as Chromium stops an extension's service
 * worker: from that moment the engine's code never runs on. Its IndexedDB transactions still
 * open are aborted (what was not committed is lost), its connections close, every later
 * database call throws and every later request never answers, so whatever the engine was
 * awaiting simply never continues. The database on disk is kept for the engine started next.
 *
 * Armed with `killAt(step)`, it dies by itself at that step of the work, counting each
 * transaction begun and each request sent: at a transaction step it dies as the transaction
 * begins (nothing of it is written); at a request step, after the server answered and before the
 * engine hears it (the server may have committed what the engine never learns).
 */
import type { FetchLike } from '../../src/engine';

const never = <T>() => new Promise<T>(() => undefined);

export class KillSwitch {
  killed = false;
  /** Steps (transactions begun, requests sent) counted since `killAt`. */
  steps = 0;
  private killStep: number | null = null;
  private died: () => void = () => undefined;
  /** Settles when the worker is killed. */
  readonly dead = new Promise<void>((resolve) => {
    this.died = resolve;
  });
  private readonly connections: IDBDatabase[] = [];
  private readonly unfinished = new Set<IDBTransaction>();
  readonly factory: IDBFactory;

  constructor(base: IDBFactory) {
    this.factory = {
      open: (name: string, version?: number) => {
        if (this.killed) throw new DOMException('The worker was stopped', 'InvalidStateError');
        const request = base.open(name, version);
        request.addEventListener('success', () => this.watch(request.result));
        return request;
      },
      deleteDatabase: (name: string) => base.deleteDatabase(name),
      cmp: (a: unknown, b: unknown) => base.cmp(a, b),
      databases: () => base.databases(),
    } as IDBFactory;
  }

  /** Dies at the `step`-th transaction or request from now (1 is the next one). */
  killAt(step: number): void {
    this.steps = 0;
    this.killStep = step;
  }

  kill(): void {
    if (this.killed) return;
    this.killed = true;
    this.died();
    for (const tx of this.unfinished) {
      try {
        tx.abort();
      } catch {
        // It finished between its last event and now: committed, as a real one may be.
      }
    }
    this.unfinished.clear();
    for (const db of this.connections) db.close();
  }

  /** A step of the work: true when the worker dies at it. */
  private step(): boolean {
    if (this.killed) return true;
    if (this.killStep === null) return false;
    this.steps += 1;
    return this.steps >= this.killStep;
  }

  /** The network as the engine sees it: nothing comes back once the worker is dead. */
  fetchThrough(base: FetchLike): FetchLike {
    return async (input, init) => {
      if (this.killed) return never();
      const dies = this.step();
      const response = await base(input, init);
      if (dies) {
        // Read through: the server has done all it would for this request.
        await response.arrayBuffer().catch(() => undefined);
        this.kill();
      }
      if (this.killed) return never();
      return response;
    };
  }

  private watch(db: IDBDatabase): void {
    this.connections.push(db);
    // Every request's and transaction's event passes the connection first (the capture phase):
    // once dead, none reaches the engine, so nothing it awaited ever continues.
    for (const type of ['success', 'error', 'complete', 'abort']) {
      db.addEventListener(
        type,
        (event) => {
          if (this.killed) event.stopImmediatePropagation();
        },
        true,
      );
    }
    const begin = db.transaction.bind(db);
    // An own property on this connection only: the engine's calls go through it, nothing else's.
    Object.defineProperty(db, 'transaction', {
      configurable: true,
      value: (...args: Parameters<IDBDatabase['transaction']>) => {
        if (this.killed) throw new DOMException('The worker was stopped', 'InvalidStateError');
        const dies = this.step();
        const tx = begin(...args);
        this.unfinished.add(tx);
        const finished = () => this.unfinished.delete(tx);
        tx.addEventListener('complete', finished);
        tx.addEventListener('abort', finished);
        // Dying here: the engine holds a transaction that is aborted before it does anything.
        if (dies) this.kill();
        return tx;
      },
    });
  }
}
