import swagger from '@fastify/swagger';
import swaggerUi from '@fastify/swagger-ui';
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
    transformObject: jsonSchemaTransformObject,
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
