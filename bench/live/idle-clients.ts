/**
 * The idle-stream half of bench/live.ts, in its own process so the server's memory is measured
 * without the clients': opens N WebSocket streams to /v1/live (round-robin over the tokens it is
 * given), authenticates each, answers pings, and reports on stdout once all are `ready`. Closes
 * everything when its stdin closes.
 *
 *   input (stdin, one JSON line): { url, tokens: string[], streams: number }
 *   output (stdout lines): `ready <n> <ms>` or `failed <reason>`
 */
import { createInterface } from 'node:readline';
import WebSocket from 'ws';

interface Input {
  url: string;
  tokens: string[];
  streams: number;
}

const lines = createInterface({ input: process.stdin });
const sockets: WebSocket[] = [];

function open(url: string, token: string): Promise<void> {
  return new Promise((resolve, reject) => {
    const ws = new WebSocket(url);
    sockets.push(ws);
    ws.on('open', () => ws.send(JSON.stringify({ type: 'auth', access_token: token })));
    ws.on('message', (data) => {
      const message = JSON.parse(String(data)) as { type: string };
      if (message.type === 'ready') resolve();
      else if (message.type === 'ping') ws.send(JSON.stringify({ type: 'pong' }));
    });
    ws.on('close', (code) => reject(new Error(`closed with ${code}`)));
    ws.on('error', reject);
  });
}

lines.once('line', async (line) => {
  const input = JSON.parse(line) as Input;
  const url = `${input.url.replace(/^http/, 'ws')}/v1/live`;
  const started = performance.now();
  try {
    // In waves, as devices come online, rather than one burst of thousands of handshakes.
    for (let i = 0; i < input.streams; i += 100) {
      const wave = Math.min(100, input.streams - i);
      await Promise.all(
        Array.from({ length: wave }, (_, j) =>
          open(url, input.tokens[(i + j) % input.tokens.length] as string),
        ),
      );
    }
    process.stdout.write(`ready ${sockets.length} ${Math.round(performance.now() - started)}\n`);
  } catch (error) {
    process.stdout.write(`failed ${error instanceof Error ? error.message : String(error)}\n`);
  }
});
lines.once('close', () => {
  for (const ws of sockets) ws.terminate();
  process.exit(0);
});
