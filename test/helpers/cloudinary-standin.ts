import { createHash } from 'node:crypto';
import { type IncomingMessage, type ServerResponse, createServer } from 'node:http';
import type { AddressInfo, Socket } from 'node:net';
import sharp from 'sharp';

/** One request as the stand-in received it. */
export interface CloudinaryRequest {
  /** `upload` or `destroy` (the last path segment), or the path itself when unknown. */
  action: string;
  path: string;
  /** The form fields, the file excepted. */
  fields: Record<string, string>;
  /** The uploaded file's bytes, for uploads. */
  file: Buffer | undefined;
  /** Whether `signature` matches the fields and the API secret, checked the way Cloudinary does. */
  signed: boolean;
}

export interface StoredAsset {
  bytes: Buffer;
  version: number;
  format: string;
}

export type StandInMode = 'ok' | 'fail' | 'hang';

export interface CloudinaryStandIn {
  readonly cloudName: string;
  readonly apiKey: string;
  readonly apiSecret: string;
  /** `cloudinary://key:secret@cloud?upload_prefix=http://127.0.0.1:<port>`, for CLOUDINARY_URL. */
  readonly url: string;
  readonly requests: readonly CloudinaryRequest[];
  /** What is stored now, by public id. */
  readonly assets: ReadonlyMap<string, StoredAsset>;
  /** `ok` answers like Cloudinary; `fail` answers 500; `hang` reads the request and never answers. */
  mode: StandInMode;
  close(): Promise<void>;
}

// Not signed: the file itself, and the parameters that only select the account or the endpoint.
const UNSIGNED = new Set(['file', 'cloud_name', 'resource_type', 'api_key', 'signature']);

/**
 * Cloudinary's request signature: every signed parameter with a value, sorted by name, `name=value`
 * joined with `&`, the API secret appended, SHA-1 in hex. (Signature version 2 also escapes `&`
 * inside values as `%26`, so a value can't smuggle in another parameter.)
 */
export function cloudinarySignature(fields: Record<string, string>, apiSecret: string): string {
  const toSign = Object.entries(fields)
    .filter(([name, value]) => !UNSIGNED.has(name) && value !== '')
    .sort(([a], [b]) => (a < b ? -1 : a > b ? 1 : 0))
    .map(([name, value]) => `${name}=${value}`.replaceAll('&', '%26'))
    .join('&');
  return createHash('sha1').update(toSign + apiSecret).digest('hex');
}

/**
 * A local HTTP server that answers the two Cloudinary upload-API calls Kith makes
 * (`POST /v1_1/<cloud>/image/upload` and `.../image/destroy`), keeps what it was sent, and refuses
 * requests that are not correctly signed, as Cloudinary would.
 */
export async function startCloudinaryStandIn(): Promise<CloudinaryStandIn> {
  const cloudName = 'kith-test';
  const apiKey = '123456789012345';
  const apiSecret = 'stand-in-secret-abcdefghijklmnop';
  const requests: CloudinaryRequest[] = [];
  const assets = new Map<string, StoredAsset>();
  const sockets = new Set<Socket>();
  let lastVersion = Math.floor(Date.now() / 1000);

  const server = createServer((request, response) => {
    handle(request, response).catch((error: unknown) => {
      response.writeHead(500, { 'content-type': 'application/json' });
      response.end(JSON.stringify({ error: { message: String(error) } }));
    });
  });
  server.on('connection', (socket) => {
    sockets.add(socket);
    socket.on('close', () => sockets.delete(socket));
  });

  async function handle(request: IncomingMessage, response: ServerResponse) {
    const chunks: Buffer[] = [];
    for await (const chunk of request) chunks.push(chunk as Buffer);
    const path = request.url ?? '/';
    const form = await new Response(Buffer.concat(chunks), {
      headers: { 'content-type': request.headers['content-type'] ?? '' },
    }).formData();
    const fields: Record<string, string> = {};
    let file: Buffer | undefined;
    const entries: Array<[string, FormDataEntryValue]> = [];
    form.forEach((value, name) => entries.push([name, value]));
    for (const [name, value] of entries) {
      if (typeof value === 'string') fields[name] = value;
      else if (name === 'file') file = Buffer.from(await value.arrayBuffer());
    }
    const signed = fields.api_key === apiKey && fields.signature === cloudinarySignature(fields, apiSecret);
    const action = path.startsWith(`/v1_1/${cloudName}/image/`) ? path.split('/').pop()! : path;
    requests.push({ action, path, fields, file, signed });

    const reply = (status: number, body: unknown) => {
      response.writeHead(status, { 'content-type': 'application/json' });
      response.end(JSON.stringify(body));
    };
    if (standIn.mode === 'hang') return; // the socket stays open until the client gives up
    if (standIn.mode === 'fail') return reply(500, { error: { message: 'General Error' } });
    if (!signed) return reply(401, { error: { message: 'Invalid Signature' } });
    const publicId = fields.public_id;
    if (!publicId) return reply(400, { error: { message: 'Missing required parameter - public_id' } });

    if (action === 'upload' && file) {
      const metadata = await sharp(file).metadata();
      const { width, height } = metadata;
      const format = metadata.format === 'jpeg' ? 'jpg' : metadata.format; // Cloudinary says jpg
      const version = ++lastVersion;
      assets.set(publicId, { bytes: file, version, format });
      const location = `res.cloudinary.com/${cloudName}/image/upload/v${version}/${publicId}.${format}`;
      return reply(200, {
        public_id: publicId,
        version,
        signature: 'stand-in',
        width,
        height,
        format,
        resource_type: 'image',
        type: 'upload',
        bytes: file.length,
        created_at: new Date().toISOString(),
        url: `http://${location}`,
        secure_url: `https://${location}`,
      });
    }
    if (action === 'destroy') {
      const existed = assets.delete(publicId);
      return reply(200, { result: existed ? 'ok' : 'not found' });
    }
    return reply(404, { error: { message: `No stand-in for ${path}` } });
  }

  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
  const { port } = server.address() as AddressInfo;
  const uploadPrefix = encodeURIComponent(`http://127.0.0.1:${port}`);
  const url = `cloudinary://${apiKey}:${apiSecret}@${cloudName}?upload_prefix=${uploadPrefix}`;
  const standIn: CloudinaryStandIn = {
    cloudName,
    apiKey,
    apiSecret,
    url,
    requests,
    assets,
    mode: 'ok',
    async close() {
      for (const socket of sockets) socket.destroy();
      await new Promise<void>((resolve) => server.close(() => resolve()));
    },
  };

  return standIn;
}
