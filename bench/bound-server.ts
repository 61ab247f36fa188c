/**
 * The upper bound: a bare graphql-js HTTP server answering the same query shape from memory —
 * no authentication, no database, no Apollo. What the gateway achieves relative to this is its
 * overhead. Parsed and validated documents are cached, as any real server does.
 *   node --import @swc-node/register/esm-register bench/bound-server.ts <port>
 */
import http from 'node:http';
import { buildSchema, execute, parse, validate, type DocumentNode } from 'graphql';

const schema = buildSchema(`
  type Money { amount: String! currency: String! }
  type Quote { id: ID! rate: String! sourceAmount: Money! targetAmount: Money! }
  type Recipient { id: ID! accountHolderName: String! accountSummary: String! currency: String! }
  type Transfer { id: ID! status: String! sourceAmount: Money! targetAmount: Money! createdAt: String! quote: Quote recipient: Recipient }
  type TransferEdge { cursor: String! node: Transfer! }
  type PageInfo { hasNextPage: Boolean! endCursor: String }
  type TransferConnection { edges: [TransferEdge!]! pageInfo: PageInfo! }
  type Query { transfers(first: Int = 20): TransferConnection! }
`);

const transfers = Array.from({ length: 50 }, (_, i) => ({
  id: `00000000-0000-4000-8000-${String(i).padStart(12, '0')}`,
  status: 'OUTGOING_PAYMENT_SENT',
  sourceAmount: { amount: '10.00', currency: 'GBP' },
  targetAmount: { amount: '11.64', currency: 'EUR' },
  createdAt: new Date(Date.now() - i * 60_000).toISOString(),
  quote: { id: `q-${i}`, rate: '1.17593', sourceAmount: { amount: '10.00', currency: 'GBP' }, targetAmount: { amount: '11.64', currency: 'EUR' } },
  recipient: { id: String(70060000 + i), accountHolderName: 'Max Mustermann', accountSummary: 'DE89 3704 0044 0532 0130 00', currency: 'EUR' },
}));

const rootValue = {
  transfers: ({ first }: { first: number }) => ({
    edges: transfers.slice(0, first).map((node) => ({ cursor: node.id, node })),
    pageInfo: { hasNextPage: first < transfers.length, endCursor: transfers[first - 1]?.id ?? null },
  }),
};

const documents = new Map<string, DocumentNode>();

const server = http.createServer((req, res) => {
  let body = '';
  req.on('data', (chunk) => (body += chunk));
  req.on('end', async () => {
    const { query, variables } = JSON.parse(body);
    let document = documents.get(query);
    if (!document) {
      document = parse(query);
      const errors = validate(schema, document);
      if (errors.length) {
        res.writeHead(400, { 'content-type': 'application/json' }).end(JSON.stringify({ errors }));
        return;
      }
      documents.set(query, document);
    }
    const result = await execute({ schema, document, rootValue, variableValues: variables });
    res.writeHead(200, { 'content-type': 'application/json' }).end(JSON.stringify(result));
  });
});

server.listen(Number(process.argv[2] ?? 0), '127.0.0.1', () => {
  process.stdout.write(`ready ${(server.address() as { port: number }).port}\n`);
});
process.on('SIGTERM', () => server.close(() => process.exit(0)));
