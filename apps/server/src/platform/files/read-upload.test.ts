import fs from 'node:fs/promises';
import os from 'node:os';
import path from 'node:path';
import fastifyMultipart from '@fastify/multipart';
import Fastify, { type FastifyInstance } from 'fastify';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { exifWithGps, jpeg } from '../../test-support/image-fixtures.js';
import { AppError } from '../errors/errors.js';
import { LocalFileStore } from './local-file-store.js';
import { readUpload } from './read-upload.js';
import { inspectAndStore } from './upload-inspector.js';

const MAX = 2048;
let app: FastifyInstance;
let root: string;
let store: LocalFileStore;

beforeAll(async () => {
  root = await fs.mkdtemp(path.join(os.tmpdir(), 'civitas-upload-'));
  store = await LocalFileStore.open(root);
  app = Fastify();
  // As in http-server.ts: a global file limit far above the attachment limit.
  await app.register(fastifyMultipart, { limits: { fileSize: 1_000_000, files: 1, fields: 10 } });
  app.setErrorHandler((e, _req, reply) =>
    e instanceof AppError
      ? reply.status(e.status).send({ code: e.code })
      : reply.status(500).send({ code: 'internal' }),
  );
  app.post('/upload', async (req) => {
    const { filename, stream } = await readUpload(req, { maxBytes: MAX });
    return { filename, ...(await inspectAndStore(stream, store, { maxBytes: MAX })) };
  });
});
afterAll(async () => {
  await app.close();
  await fs.rm(root, { recursive: true, force: true });
});

function multipart(content: Buffer, filename: string, type = 'image/jpeg') {
  const boundary = '----civitas-files-test';
  return app.inject({
    method: 'POST',
    url: '/upload',
    headers: { 'content-type': `multipart/form-data; boundary=${boundary}` },
    payload: Buffer.concat([
      Buffer.from(
        `--${boundary}\r\nContent-Disposition: form-data; name="photo"; filename="${filename}"\r\nContent-Type: ${type}\r\n\r\n`,
      ),
      content,
      Buffer.from(`\r\n--${boundary}--\r\n`),
    ]),
  });
}

describe('readUpload', () => {
  it('hands the file stream to the inspector and stores a stripped photo', async () => {
    const res = await multipart(jpeg({ exif: exifWithGps() }), 'pothole.jpg');
    expect(res.statusCode).toBe(200);
    expect(res.json()).toMatchObject({ filename: 'pothole.jpg', mime: 'image/jpeg', size: jpeg().length });
    expect(await store.exists(res.json().key)).toBe(true);
  });

  it('refuses a file over the attachment limit even though the global limit is higher', async () => {
    const res = await multipart(Buffer.concat([jpeg(), Buffer.alloc(MAX)]), 'big.jpg');
    expect(res.statusCode).toBe(413);
    expect(res.json()).toEqual({ code: 'file_too_large' });
  });

  it('trusts neither the name nor the declared type', async () => {
    const res = await multipart(Buffer.from('MZ\x90\x00 not a photo', 'latin1'), 'holiday.jpg', 'image/jpeg');
    expect(res.statusCode).toBe(415);
    expect(res.json()).toEqual({ code: 'file_type_not_allowed' });
  });

  it('refuses a request that is not multipart', async () => {
    const res = await app.inject({ method: 'POST', url: '/upload', payload: { photo: 'x' } });
    expect(res.statusCode).toBe(400);
    expect(res.json()).toEqual({ code: 'multipart_required' });
  });
});
