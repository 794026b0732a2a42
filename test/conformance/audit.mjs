// Runs the GraphQL-over-HTTP audit of graphql-http (auditServer, the suite
// the spec's authors maintain) against a running server and prints one JSON
// object: {"results": [{id, name, status: ok|notice|warn|error, reason}]}.
// "error" is a failed MUST, "warn" a failed SHOULD, "notice" a MAY not done.
// Exits 0 when the audit ran (whatever it found), 1 if it could not run.
//
//   node audit.mjs http://127.0.0.1:8080/graphql
//   SANFANG_URL=http://127.0.0.1:8080/graphql node audit.mjs
import { auditServer } from 'graphql-http';

const url = process.argv[2] || process.env.SANFANG_URL;
if (!url) {
  console.error('usage: node audit.mjs URL (or SANFANG_URL=URL)');
  process.exit(1);
}

try {
  const results = await auditServer({ url });
  const out = [];
  for (const r of results) {
    const item = { id: r.id, name: r.name, status: r.status };
    if (r.status !== 'ok') {
      item.reason = r.reason;
      // What the server answered, to see why without re-running.
      try {
        item.responseStatus = r.response.status;
        item.responseContentType = r.response.headers.get('content-type');
        item.responseBody = (await r.response.text()).slice(0, 500);
      } catch (e) {
        item.responseBody = `(could not read the response: ${e})`;
      }
    }
    out.push(item);
  }
  console.log(JSON.stringify({ results: out }));
} catch (e) {
  console.error(e && e.stack ? e.stack : String(e));
  process.exit(1);
}
