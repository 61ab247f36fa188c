import { renderGraphiQL } from '@graphql-yoga/render-graphiql';

const DEFAULT_QUERY = `# Welcome to the Wise Platform gateway.
# The Authorization header (see Headers below) identifies the bank customer.
query Viewer {
  viewer {
    id
    email
    givenName
    familyName
  }
}
`;

/**
 * GraphiQL as one self-contained page (scripts and workers inlined, nothing fetched from a
 * CDN), pointed at /graphql for queries and the WebSocket on the same path for subscriptions.
 */
export function graphiqlPage(authorization: string): string {
  // GraphiQL sends the header editor's headers with queries over HTTP, but a WebSocket only
  // carries what connection_init says: the same Authorization goes there too.
  const options = {
    connectionParams: { Authorization: authorization },
    title: 'Wise Platform gateway — GraphiQL',
    endpoint: '/graphql',
    subscriptionsProtocol: 'WS',
    defaultQuery: DEFAULT_QUERY,
    headers: JSON.stringify({ Authorization: authorization }, null, 2),
    shouldPersistHeaders: false,
  };
  return renderGraphiQL(options as Parameters<typeof renderGraphiQL>[0]);
}
