/**
 * The server's requests and responses are made with express's prototypes from the start.
 *
 * Express gives every request and response its app's prototypes when it handles them
 * (`Object.setPrototypeOf(req, app.request)`, the same for `res`). In V8 an object whose
 * prototype is changed leaves its class's tree of hidden classes: every property added after
 * that (express's `req.res` and `req.next`, the router's, compression's, the headers…) makes a
 * new hidden class for that one object, in old space, never shared — and V8's scavenges then
 * keep the object, and all it holds, until it is promoted. Every request was promoted whole and
 * died in old space: 25-30 KB per webhook delivery, the heap growing by megabytes a second until
 * a full collection.
 *
 * Made by classes whose prototype already is the app's, the objects keep shared hidden classes:
 * express's `setPrototypeOf` finds the prototype it would set and changes nothing. Each class's
 * prototype goes in the chain above the app's own (its `app` and express's methods unchanged)
 * and becomes `app.request` / `app.response`, what express sets.
 */
import http from 'node:http';
import type { Express } from 'express';

export function expressPrototypes(app: Express) {
  class ExpressRequest extends http.IncomingMessage {}
  class ExpressResponse<Request extends http.IncomingMessage = http.IncomingMessage> extends http.ServerResponse<Request> {}
  // Once, at start-up: the classes' prototypes, not the requests, change their prototype.
  Object.setPrototypeOf(ExpressRequest.prototype, app.request);
  Object.setPrototypeOf(ExpressResponse.prototype, app.response);
  app.request = ExpressRequest.prototype as unknown as Express['request'];
  app.response = ExpressResponse.prototype as unknown as Express['response'];
  return { IncomingMessage: ExpressRequest, ServerResponse: ExpressResponse };
}
