/**
 * JSON request bodies as Fastify parses them (secure-json-parse, prototype poisoning refused), but
 * only from valid UTF-8: Node's default decoding turns a stray byte into U+FFFD, which would store
 * a name the user never typed. A body that isn't UTF-8 is a 400 that says so.
 */
import type { FastifyInstance } from 'fastify';
import { AppError } from '../errors.js';

const utf8 = new TextDecoder('utf-8', { fatal: true });

export function registerStrictJsonBodies(app: FastifyInstance): void {
  const parseJson = app.getDefaultJsonParser('error', 'error');
  app.removeContentTypeParser('application/json');
  app.addContentTypeParser('application/json', { parseAs: 'buffer' }, (request, body: Buffer, done) => {
    let text: string;
    try {
      text = utf8.decode(body);
    } catch {
      done(new AppError('BAD_REQUEST', 400, 'The request body is not valid UTF-8; send JSON encoded as UTF-8'), undefined);
      return;
    }
    void parseJson(request, text, done);
  });
}
