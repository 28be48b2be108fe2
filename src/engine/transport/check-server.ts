/**
 * "Does a Satchel server answer at this address?", asked before signing in to it (the first-run
 * guide's first step): GET /v1/info through the same bounded, validated transport as every
 * other call, so a hostile or wrong address gets the same specific errors.
 */
import type { Info } from '../../protocol';
import { type FetchLike, systemScheduler } from '../deps';
import { ServerApi } from './api';
import { HttpTransport } from './http';

/** Shorter than a sync call's timeout: a person is waiting on this answer. */
const CHECK_TIMEOUT_MS = 10_000;

export function checkServer(fetch: FetchLike, serverUrl: string): Promise<Info> {
  const http = new HttpTransport(fetch, systemScheduler, () => Date.now(), CHECK_TIMEOUT_MS);
  return new ServerApi(http).info(serverUrl);
}
