// A dashboard as a real graphql-ws client would be: it subscribes to task
// changes with a viewer's key, another client (an editor) records progress
// over HTTP, and the dashboard must see it. Prints one JSON line with what
// it saw and how long it took; exits 1 on failure.
//
//   SANFANG_URL=http://127.0.0.1:8080/graphql VIEWER_KEY=... EDITOR_KEY=... TASK_ID=... node subscribe-progress.mjs
import { createClient } from 'graphql-ws';
import WebSocket from 'ws';

const url = process.env.SANFANG_URL;
const taskId = process.env.TASK_ID;
const fail = (msg) => { console.log(JSON.stringify({ ok: false, error: String(msg) })); process.exit(1); };
setTimeout(() => fail('no event within 10 s'), 10000).unref();

const client = createClient({
  url: url.replace(/^http/, 'ws'),
  webSocketImpl: WebSocket,
  connectionParams: { Authorization: `Bearer ${process.env.VIEWER_KEY}` },
});

let recordedAt;
const events = [];
const done = new Promise((resolve, reject) => {
  client.subscribe(
    { query: 'subscription { taskChanged { change { seq operation } task { id progress status } } }' },
    {
      next: (msg) => {
        if (msg.errors) return reject(new Error(JSON.stringify(msg.errors)));
        events.push({ ...msg.data.taskChanged, latencyMs: Date.now() - recordedAt });
        if (events.length === 2) resolve();
      },
      error: reject,
      complete: () => reject(new Error('subscription completed early')),
    },
  );
});

async function report(progress) {
  const res = await fetch(url, {
    method: 'POST',
    headers: { 'Content-Type': 'application/json', Authorization: `Bearer ${process.env.EDITOR_KEY}` },
    body: JSON.stringify({
      query: 'mutation($t: ID!, $p: Int!) { reportProgress(input: {taskId: $t, progress: $p, status: IN_PROGRESS, text: "进展"}) { task { progress } } }',
      variables: { t: taskId, p: progress },
    }),
  });
  const body = await res.json();
  if (body.errors) throw new Error(JSON.stringify(body.errors));
}

client.on('connected', async () => {
  try {
    await new Promise((r) => setTimeout(r, 300)); // the subscription is registered by now
    recordedAt = Date.now();
    await report(40);
    await report(70);
  } catch (e) { fail(e); }
});

try {
  await done;
  await client.dispose();
  console.log(JSON.stringify({ ok: true, events }));
  process.exit(0);
} catch (e) { fail(e); }
