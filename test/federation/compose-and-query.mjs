// Composes sanfang (a running server) with a small partner subgraph that
// extends Enterprise by creditCode, using the real @apollo/composition, and
// runs one query through the real @apollo/gateway that needs sanfang to
// resolve enterprises. Prints one JSON line; exits 1 on failure.
//
//   SANFANG_URL=http://127.0.0.1:8080/graphql CREDIT_CODES=code1,code2 node compose-and-query.mjs
//
// With SANFANG_KEY set, every request to sanfang carries it as a bearer
// token, as a router's does in production mode (SANFANG_GATEWAY_CREDENTIALS).
import { composeServices } from '@apollo/composition';
import { ApolloGateway, LocalGraphQLDataSource, RemoteGraphQLDataSource } from '@apollo/gateway';
import { ApolloServer } from '@apollo/server';
import { buildSubgraphSchema } from '@apollo/subgraph';
import { parse } from 'graphql';

const fail = (msg) => { console.log(JSON.stringify({ ok: false, error: String(msg) })); process.exit(1); };
const url = process.env.SANFANG_URL;
const codes = (process.env.CREDIT_CODES || '').split(',').filter(Boolean);
const auth = process.env.SANFANG_KEY ? { Authorization: 'Bearer ' + process.env.SANFANG_KEY } : {};

try {
  // sanfang's SDL, as a gateway or a schema registry reads it.
  const res = await fetch(url, { method: 'POST', headers: { 'Content-Type': 'application/json', ...auth }, body: JSON.stringify({ query: '{ _service { sdl } }' }) });
  const sdl = (await res.json()).data?._service?.sdl;
  if (!sdl) fail('no _service.sdl');

  // The partner's own subgraph: its HR system knows headcounts by credit code.
  const partnerTypeDefs = parse(`
    extend schema @link(url: "https://specs.apollo.dev/federation/v2.7", import: ["@key"])
    type Enterprise @key(fields: "creditCode") {
      creditCode: String!
      hrHeadcount: Int!
    }
    type Query { partnerEnterprises: [Enterprise!]! }
  `);
  const partnerResolvers = {
    Query: { partnerEnterprises: () => codes.map((creditCode, i) => ({ creditCode, hrHeadcount: 100 + i })) },
    Enterprise: { __resolveReference: (ref) => ({ creditCode: ref.creditCode, hrHeadcount: 100 + codes.indexOf(ref.creditCode) }) },
  };

  const composed = composeServices([
    { name: 'sanfang', url, typeDefs: parse(sdl) },
    { name: 'partner', url: 'local://partner', typeDefs: partnerTypeDefs },
  ]);
  if (composed.errors?.length) fail('composition: ' + composed.errors.map((e) => e.message).join('; '));

  const gateway = new ApolloGateway({
    supergraphSdl: composed.supergraphSdl,
    buildService: ({ name, url }) => name === 'partner'
      ? new LocalGraphQLDataSource(buildSubgraphSchema({ typeDefs: partnerTypeDefs, resolvers: partnerResolvers }))
      : new RemoteGraphQLDataSource({
        url,
        willSendRequest({ request }) {
          for (const [k, v] of Object.entries(auth)) request.http.headers.set(k, v);
        },
      }),
  });
  const server = new ApolloServer({ gateway });
  await server.start();
  const result = await server.executeOperation({
    query: '{ partnerEnterprises { creditCode hrHeadcount name brand union { name } } }',
  });
  await server.stop();
  const body = result.body.singleResult;
  if (body.errors?.length) fail('gateway: ' + JSON.stringify(body.errors));
  console.log(JSON.stringify({ ok: true, data: body.data, hints: (composed.hints || []).length }));
  process.exit(0);
} catch (e) { fail(e.stack || e); }
