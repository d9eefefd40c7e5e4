/**
 * The baseline: a bare Fastify hello-world, run as its own process by bench/run.ts.
 * Usage: node --import tsx bench/hello-server.ts <port>
 */
import Fastify from 'fastify';

const port = Number(process.argv[2]);
if (!Number.isInteger(port) || port <= 0 || port > 65_535) {
  process.stderr.write('usage: hello-server.ts <port>\n');
  process.exit(2);
}

const app = Fastify({ logger: false });
const hello = async () => ({ hello: 'world' });
app.get('/', hello);
app.post('/', hello);

let closing = false;
const shutdown = () => {
  if (closing) return;
  closing = true;
  // A normal exit, so that --cpu-prof can write its profile.
  void app.close().then(() => process.exit(0));
};
process.once('SIGTERM', shutdown);
process.once('SIGINT', shutdown);

await app.listen({ host: '127.0.0.1', port });
