/**
 * Writes schema.graphql from the type-graphql schema:  npm run schema
 * Frontends generate their types from that file; a test fails when it is out of date.
 */
import 'reflect-metadata';
import fs from 'node:fs/promises';
import { buildGatewaySchema, printGatewaySchema } from '../src/gateway.js';

const sdl = printGatewaySchema(await buildGatewaySchema());
await fs.writeFile(new URL('../schema.graphql', import.meta.url), sdl);
process.stdout.write(`schema.graphql written (${sdl.split('\n').length} lines)\n`);
