// The baseline: a bare Fastify 5 hello-world JSON route, nothing registered,
// no logger. Run as a child process by bench/lib/server.mjs (same Node, same
// machine as the server under test), so a route's requests/s can be reported
// as a ratio to this figure measured in the same run.
import Fastify from 'fastify';

const port = Number(process.env.PORT ?? 3300);
const app = Fastify({ logger: false });
app.get('/', async () => ({ hello: 'world' }));

await app.listen({ port, host: '127.0.0.1' });

const stop = () => {
  void app.close().then(() => process.exit(0));
};
process.on('SIGTERM', stop);
process.on('SIGINT', stop);
