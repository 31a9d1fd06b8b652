#!/usr/bin/env node
// The reference point for `npm run bench:api`: a bare Fastify hello-world on 127.0.0.1, run as a
// child process so it does not share an event loop with autocannon. Prints its port as one JSON
// line on stdout and stops on SIGTERM, SIGINT or when its parent goes away.
import fastify from 'fastify';

const app = fastify({ logger: false });
app.get('/', async () => ({ hello: 'world' }));
await app.listen({ port: 0, host: '127.0.0.1' });
const address = app.server.address();
process.stdout.write(`${JSON.stringify({ port: typeof address === 'object' ? address?.port : null })}\n`);

const stop = () => void app.close().then(() => process.exit(0));
process.on('SIGTERM', stop);
process.on('SIGINT', stop);
// The IPC channel closes when the parent exits, even if it could not send a signal.
process.on('disconnect', stop);
