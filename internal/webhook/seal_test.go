package webhook

import (
	"bytes"
	"context"
	"strings"
	"testing"

	"go.mongodb.org/mongo-driver/v2/bson"

	"sanfang/internal/seal"
)

func ring(t *testing.T, keys ...[]byte) *seal.Keyring {
	t.Helper()
	r, err := seal.NewKeyring(keys[0], keys[1:]...)
	if err != nil {
		t.Fatal(err)
	}
	return r
}

// storedSecret is the secret field as the joint database holds it.
func storedSecret(t *testing.T, svc *Service, id string) string {
	t.Helper()
	raw, err := svc.subs.FindOne(context.Background(), bson.D{{Key: "_id", Value: id}}).Raw()
	if err != nil {
		t.Fatal(err)
	}
	return raw.Lookup("secret").StringValue()
}

// With a key, the signing secret is stored sealed (the database copy does
// not reveal it) and deliveries are still signed with the secret the
// partner was given. Rotating the key — or turning sealing on over plain
// secrets — seals each secret again under the new key at the next read,
// without a new secret for the partner; a secret whose key is missing
// stops only its own subscription.
func TestSecretsAreSealedAtRest(t *testing.T) {
	oldKey := bytes.Repeat([]byte{1}, seal.KeySize)
	newKey := bytes.Repeat([]byte{2}, seal.KeySize)
	db := freshDB(t)

	// Three subscriptions: one made without a key (plain), one under the
	// old key, one under a key that will be lost.
	plainSvc := New(db, newSource(), testOptions())
	rcPlain := newReceiver(t, nil)
	subPlain, secretPlain := create(t, plainSvc, Spec{URL: rcPlain.URL})
	rcPlain.setSecret(secretPlain)
	if got := storedSecret(t, plainSvc, subPlain.ID); got != secretPlain {
		t.Fatalf("without a key the secret is stored as %q", got)
	}

	oldOpts := testOptions()
	oldOpts.Secrets = ring(t, oldKey)
	oldSvc := New(db, newSource(), oldOpts)
	rcOld := newReceiver(t, nil)
	subOld, secretOld := create(t, oldSvc, Spec{URL: rcOld.URL})
	rcOld.setSecret(secretOld)
	sealedOld := storedSecret(t, oldSvc, subOld.ID)
	if !seal.IsSealed(sealedOld) || strings.Contains(sealedOld, strings.TrimPrefix(secretOld, SecretPrefix)) {
		t.Fatalf("with a key the secret is stored as %q", sealedOld)
	}

	lostOpts := testOptions()
	lostOpts.Secrets = ring(t, bytes.Repeat([]byte{3}, seal.KeySize))
	rcLost := newReceiver(t, nil)
	subLost, _ := create(t, New(db, newSource(), lostOpts), Spec{URL: rcLost.URL})
	lostValue := storedSecret(t, oldSvc, subLost.ID)

	// The server restarts with the new key current and the old one kept.
	opts := testOptions()
	opts.Secrets = ring(t, newKey, oldKey)
	src := newSource()
	svc := New(db, src, opts)
	run(t, svc)
	src.add(change("Task", "t1"))
	waitFor(t, "both deliveries", func() bool { return len(rcPlain.acked()) == 1 && len(rcOld.acked()) == 1 })
	for _, r := range append(rcPlain.all(), rcOld.all()...) {
		if r.verifyErr != nil {
			t.Errorf("signature with the partner's secret: %v", r.verifyErr)
		}
	}
	onlyNew := ring(t, newKey)
	for _, c := range []struct{ id, secret string }{{subPlain.ID, secretPlain}, {subOld.ID, secretOld}} {
		stored := storedSecret(t, svc, c.id)
		got, stale, err := onlyNew.Open(stored, c.id)
		if err != nil || stale || got != c.secret {
			t.Errorf("subscription %s: stored %q opens with the new key alone as %q, stale %v, %v", c.id, stored, got, stale, err)
		}
	}
	if got := storedSecret(t, svc, subLost.ID); got != lostValue {
		t.Errorf("the secret whose key is missing was rewritten: %q", got)
	}
	// The event was enqueued for the others in the same pass: none for it.
	if n, ds := len(rcLost.all()), deliveries(t, svc, subLost.ID, ""); n != 0 || len(ds) != 0 {
		t.Errorf("the subscription whose key is missing received %d requests, has %d deliveries", n, len(ds))
	}
}
