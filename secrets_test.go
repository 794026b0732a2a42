package main

import (
	"context"
	"encoding/hex"
	"encoding/json"
	"strings"
	"testing"
	"time"

	"go.mongodb.org/mongo-driver/v2/bson"
	"go.mongodb.org/mongo-driver/v2/mongo"
	"go.mongodb.org/mongo-driver/v2/mongo/options"

	"sanfang/internal/embedded"
	"sanfang/internal/seal"
)

// A webhook made through the endpoint keeps its signing secret sealed
// under SANFANG_SECRET_KEY in the joint database; after a restart with a
// new key (the old one in SANFANG_OLD_SECRET_KEYS) the stored secret is
// sealed again under the new key, still the secret the admin was given.
func TestWebhookSecretsAreSealedInTheDatabase(t *testing.T) {
	oldKey, newKey := strings.Repeat("a1", seal.KeySize), strings.Repeat("b2", seal.KeySize)
	ctx := context.Background()
	addr := freeAddr(t)
	db, err := embedded.StartOn(ctx, t.TempDir(), addr, nil)
	if err != nil {
		t.Fatal(err)
	}
	t.Cleanup(db.Stop)
	client, err := mongo.Connect(options.Client().ApplyURI("mongodb://" + addr + "/"))
	if err != nil {
		t.Fatal(err)
	}
	t.Cleanup(func() { _ = client.Disconnect(ctx) })
	hooks := client.Database("sanfang_joint").Collection("webhooks")
	stored := func() (id, secret string) {
		t.Helper()
		var doc struct {
			ID     string `bson:"_id"`
			Secret string `bson:"secret"`
		}
		if err := hooks.FindOne(ctx, bson.D{}).Decode(&doc); err != nil {
			t.Fatalf("read the stored webhook: %v", err)
		}
		return doc.ID, doc.Secret
	}
	opensWith := func(hexKey, id, value string) (string, error) {
		raw, _ := hex.DecodeString(hexKey)
		ring, err := seal.NewKeyring(raw)
		if err != nil {
			t.Fatal(err)
		}
		plain, stale, err := ring.Open(value, id)
		if err == nil && stale {
			return "", seal.ErrUnknownKey
		}
		return plain, err
	}

	env := map[string]string{
		"SANFANG_ADDR":        "127.0.0.1:0",
		"SANFANG_MONGODB_URI": "mongodb://" + addr + "/",
		"SANFANG_SECRET_KEY":  oldKey,
	}
	admin := makeKey(t, env, "--name", "ops", "--role", "admin")
	srv := start(t, env)
	a := srv.as(t, admin, `mutation { createWebhook(input: {name: "排班系统", url: "http://127.0.0.1:9/hook"}) { secret } }`, nil)
	if len(a.Errors) > 0 {
		t.Fatalf("createWebhook: %v", a.Errors)
	}
	var got struct{ CreateWebhook struct{ Secret string } }
	if err := json.Unmarshal(a.Data, &got); err != nil {
		t.Fatal(err)
	}
	secret := got.CreateWebhook.Secret
	id, value := stored()
	if !strings.HasPrefix(secret, "whsec_") || !seal.IsSealed(value) || strings.Contains(value, strings.TrimPrefix(secret, "whsec_")) {
		t.Fatalf("secret %q stored as %q; want it sealed", secret, value)
	}
	if plain, err := opensWith(oldKey, id, value); err != nil || plain != secret {
		t.Fatalf("the stored value opens with SANFANG_SECRET_KEY as %q, %v", plain, err)
	}
	srv.stop(t)

	env["SANFANG_SECRET_KEY"], env["SANFANG_OLD_SECRET_KEYS"] = newKey, oldKey
	start(t, env)
	deadline := time.Now().Add(30 * time.Second)
	for {
		_, value = stored()
		plain, err := opensWith(newKey, id, value)
		if err == nil && plain == secret {
			break
		}
		if time.Now().After(deadline) {
			t.Fatalf("30 s after the restart with a new key the secret is stored as %q (%v)", value, err)
		}
		time.Sleep(50 * time.Millisecond)
	}
}
