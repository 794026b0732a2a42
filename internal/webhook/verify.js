'use strict';
// Verifies a sanfang webhook delivery (Node 16+, no dependencies).
//
//   secret     the subscription's secret, "whsec_…" (the whole string is the key)
//   timestamp  the Sanfang-Webhook-Timestamp header (Unix seconds, a string)
//   rawBody    the request body exactly as received: a Buffer or string,
//              NOT a re-serialised JSON object (e.g. express.raw({type: 'application/json'}))
//   signature  the Sanfang-Webhook-Signature header: "v1=<hex>", possibly
//              several separated by spaces; one must match
//   options    { now: Date.now() in ms, toleranceSeconds: 300 }
//
// Throws an Error if the delivery must be refused; returns true otherwise.
// Then use the Sanfang-Webhook-Id header (the same on every retry) to
// ignore a delivery you have already processed.
const crypto = require('node:crypto');

function verifySanfangWebhook(secret, timestamp, rawBody, signature, options = {}) {
  const nowMs = options.now ?? Date.now();
  const tolerance = options.toleranceSeconds > 0 ? options.toleranceSeconds : 300;
  timestamp = String(timestamp ?? '');
  if (!/^[0-9]{1,12}$/.test(timestamp)) {
    throw new Error('malformed timestamp');
  }
  if (Math.abs(nowMs / 1000 - Number(timestamp)) > tolerance) {
    throw new Error('timestamp outside the tolerance');
  }
  const expected = crypto
    .createHmac('sha256', secret)
    .update(timestamp + '.')
    .update(rawBody)
    .digest();
  let seen = false;
  for (const part of String(signature ?? '').split(/[ ,]+/)) {
    if (!part.startsWith('v1=')) continue;
    const hex = part.slice(3);
    if (!/^[0-9a-fA-F]{64}$/.test(hex)) continue;
    seen = true;
    if (crypto.timingSafeEqual(Buffer.from(hex, 'hex'), expected)) return true;
  }
  throw new Error(seen ? 'signature mismatch' : 'malformed signature header');
}

module.exports = { verifySanfangWebhook };
