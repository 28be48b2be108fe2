export { LIVE_BACKOFF, LiveClient, type LiveClientDeps, type LiveMode } from './live-client';
export { type LiveSocket, type LiveSocketFactory, liveUrl } from './socket';
