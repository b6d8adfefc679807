import swagger from '@fastify/swagger';
import swaggerUi from '@fastify/swagger-ui';
import { STATUS_CODES } from 'node:http';
import type { FastifyInstance } from 'fastify';
import { jsonSchemaTransform, jsonSchemaTransformObject } from 'fastify-type-provider-zod';
import type { Config } from '../config.js';

/** The OpenAPI document, generated from the route schemas, at /openapi.json and browsable at /docs. */
export async function registerOpenApi(app: FastifyInstance, config: Pick<Config, 'appUrl'>): Promise<void> {
  await app.register(swagger, {
    openapi: {
      openapi: '3.1.0',
      info: {
        title: 'Kith API',
        version: '1.0.0',
        description:
          'Accounts and contacts. Errors are RFC 9457 problem details (`application/problem+json`) with a stable `code`.',
      },
      servers: [{ url: config.appUrl }],
      components: {
        securitySchemes: {
          bearerAuth: { type: 'http', scheme: 'bearer', bearerFormat: 'JWT' },
        },
      },
      tags: [
        { name: 'Accounts', description: 'Sign-up, sign-in and recovery' },
        { name: 'Signed-in user', description: 'The profile of whoever holds the access token' },
        { name: 'Contacts', description: "The signed-in user's own contacts (at most 100)" },
        { name: 'Service', description: 'Health and readiness' },
      ],
    },
    transform: jsonSchemaTransform,
    transformObject: (documentObject) => describeResponses(jsonSchemaTransformObject(documentObject)),
  });

  await app.register(swaggerUi, {
    routePrefix: '/docs',
    uiConfig: { persistAuthorization: true, deepLinking: true },
    staticCSP: true,
    transformStaticCSP: (header) =>
      config.appUrl.startsWith('https:') ? header : header.replace(/\s*upgrade-insecure-requests;?/, ''),
  });

  app.get('/openapi.json', { schema: { hide: true } }, async () => app.swagger());
}

type OpenApiDocument = ReturnType<typeof jsonSchemaTransformObject>;
interface ResponseObject {
  description?: string;
  content?: Record<string, unknown>;
}
interface Operation {
  responses?: Record<string, ResponseObject>;
  requestBody?: { required?: boolean; content?: Record<string, { schema?: { anyOf?: Array<{ type?: string }> } }> };
}

// Fastify's generator calls every response "Default Response", serves errors as JSON and marks
// every body required; say what they are: the status text, `application/problem+json` for every
// error, and an optional body where the schema accepts none.
function describeResponses(document: OpenApiDocument): OpenApiDocument {
  const paths = (document as { paths?: Record<string, Record<string, Operation>> }).paths;
  for (const operations of Object.values(paths ?? {})) {
    for (const operation of Object.values(operations)) {
      const body = operation.requestBody;
      if (body?.content?.['application/json']?.schema?.anyOf?.some((option) => option.type === 'null')) {
        body.required = false;
      }
      for (const [status, response] of Object.entries(operation.responses ?? {})) {
        response.description = STATUS_CODES[Number(status)] ?? response.description;
        const json = response.content?.['application/json'];
        if (Number(status) >= 400 && json && response.content) {
          response.content = { 'application/problem+json': json };
        }
      }
    }
  }
  return document;
}
