package main

import (
	"context"
	"errors"
	"flag"
	"fmt"
	"io"
	"log/slog"
	"strings"
	"text/tabwriter"
	"time"

	"sanfang/internal/auth"
	"sanfang/internal/domain"
	"sanfang/internal/store"
)

const apikeyUsage = `Usage:
  sanfang apikey create --name NAME --role ROLE [--body BODY] [--enterprise ID] [--expires 720h]
  sanfang apikey list
  sanfang apikey revoke ID

Roles: viewer (reads), editor (maintains one body's records: --body is
required), admin (everything, including keys), partner (an enterprise's
system: --enterprise is required). Bodies: POSTAL, UNION, ASSOCIATION,
FEDERATION.

A new installation has no keys. Make the first admin key with

  go run . apikey create --name first-admin --role admin

using the same store settings as serve (--data-dir, SANFANG_MONGODB_URI, ...).
The key is printed once: keep it safe. "sanfang apikey COMMAND --help" lists
every setting.
`

// runAPIKey is "sanfang apikey": it creates, lists and revokes the API keys
// kept in the joint database (collection apiKeys), on the store serve uses.
//
// A newcomer makes the first admin key with
//
//	go run . apikey create --name first-admin --role admin
//
// and keeps the printed key: it is shown only then (the store keeps its
// SHA-256). With the embedded database, run it on the server's data
// directory, preferably while the server is stopped.
func runAPIKey(ctx context.Context, args []string, getenv func(string) string, stdout, stderr io.Writer) error {
	if len(args) == 0 {
		fmt.Fprint(stderr, apikeyUsage)
		return errors.New("apikey: say create, list or revoke")
	}
	sub, args := args[0], args[1:]
	switch sub {
	case "create":
		return apikeyCreate(ctx, args, getenv, stdout, stderr)
	case "list":
		return apikeyList(ctx, args, getenv, stdout, stderr)
	case "revoke":
		return apikeyRevoke(ctx, args, getenv, stdout, stderr)
	case "help", "-h", "-help", "--help":
		fmt.Fprint(stderr, apikeyUsage)
		return flag.ErrHelp
	}
	fmt.Fprint(stderr, apikeyUsage)
	return fmt.Errorf("apikey: unknown command %q: use create, list or revoke", sub)
}

// openKeys opens the store as serve does and returns its key store.
func openKeys(ctx context.Context, cfg *config, stderr io.Writer) (*auth.KeyStore, func(), error) {
	logger := slog.New(slog.NewJSONHandler(stderr, &slog.HandlerOptions{Level: cfg.LogLevel}))
	st, closeStore, err := openStore(ctx, cfg, logger)
	if err != nil {
		return nil, nil, err
	}
	ks := auth.NewKeyStore(st.Database(store.Joint))
	if err := ks.EnsureIndexes(ctx); err != nil {
		closeStore()
		return nil, nil, err
	}
	return ks, closeStore, nil
}

// specFlags names the flag behind each field of a key spec.
var specFlags = map[string]string{"name": "--name", "role": "--role", "body": "--body", "enterprise": "--enterprise", "expiresAt": "--expires"}

// cliError rewrites an input error's fields as the flags that set them,
// every problem on its own line.
func cliError(err error) error {
	var de *domain.Error
	if !errors.As(err, &de) || len(de.Fields) == 0 {
		return err
	}
	lines := []string{"the key was not created:"}
	for _, f := range de.Fields {
		name := specFlags[f.Field]
		if name == "" {
			name = f.Field
		}
		lines = append(lines, fmt.Sprintf("  %s: %s", name, f.Message))
	}
	return errors.New(strings.Join(lines, "\n"))
}

func apikeyCreate(ctx context.Context, args []string, getenv func(string) string, stdout, stderr io.Writer) error {
	var name, role, body, enterprise string
	var expires time.Duration
	cfg, err := parseConfig("apikey create", args, getenv, stderr, func(fs *flag.FlagSet) {
		fs.StringVar(&name, "name", "", "who or what holds the key, e.g. union-staff or sf-hr (required; audit shows it)")
		fs.StringVar(&role, "role", "", "viewer, editor, admin or partner (required)")
		fs.StringVar(&body, "body", "", "POSTAL, UNION, ASSOCIATION or FEDERATION: the body an editor maintains (required for editors), or that issued the key")
		fs.StringVar(&enterprise, "enterprise", "", "the enterprise id a partner key is scoped to, e.g. ent-sf (required for partners)")
		fs.DurationVar(&expires, "expires", 0, "lifetime of the key, e.g. 720h (default: no expiry)")
	})
	if err != nil {
		return err
	}
	now := time.Now()
	spec := auth.KeySpec{
		Name:         name,
		Role:         auth.Role(strings.ToLower(strings.TrimSpace(role))),
		Body:         domain.BodyCode(strings.ToUpper(strings.TrimSpace(body))),
		EnterpriseID: strings.TrimSpace(enterprise),
	}
	if expires != 0 {
		t := now.Add(expires)
		spec.ExpiresAt = &t
	}
	// Check before starting a database, and report every problem at once.
	if err := spec.Validate(now); err != nil {
		return cliError(err)
	}
	ks, closeKeys, err := openKeys(ctx, cfg, stderr)
	if err != nil {
		return err
	}
	defer closeKeys()
	plain, k, err := ks.Create(ctx, spec)
	if err != nil {
		return cliError(err)
	}
	fmt.Fprintf(stdout, "API key created: id %s, name %s, %s.\n\n%s\n\n", k.ID, k.Name, scope(k), plain)
	fmt.Fprintln(stdout, "Copy it now: it will not be shown again (only its SHA-256 is stored).")
	fmt.Fprintln(stdout, `Send it as "Authorization: Bearer <key>" or "X-API-Key: <key>"; revoke it with "sanfang apikey revoke `+k.ID+`".`)
	return nil
}

// scope describes a key's role and scope: "role editor of UNION".
func scope(k auth.Key) string {
	s := "role " + string(k.Role)
	if k.Body != "" {
		s += ", body " + string(k.Body)
	}
	if k.EnterpriseID != "" {
		s += ", enterprise " + k.EnterpriseID
	}
	if k.ExpiresAt != nil {
		s += ", expires " + k.ExpiresAt.UTC().Format(time.RFC3339)
	}
	return s
}

func apikeyList(ctx context.Context, args []string, getenv func(string) string, stdout, stderr io.Writer) error {
	cfg, err := parseConfig("apikey list", args, getenv, stderr, nil)
	if err != nil {
		return err
	}
	ks, closeKeys, err := openKeys(ctx, cfg, stderr)
	if err != nil {
		return err
	}
	defer closeKeys()
	keys, err := ks.List(ctx)
	if err != nil {
		return err
	}
	if len(keys) == 0 {
		fmt.Fprintln(stdout, "No API keys. Make the first with: sanfang apikey create --name first-admin --role admin")
		return nil
	}
	now := time.Now()
	tw := tabwriter.NewWriter(stdout, 0, 4, 2, ' ', 0)
	fmt.Fprintln(tw, "ID\tNAME\tROLE\tBODY\tENTERPRISE\tEXPIRES\tREVOKED\tLAST USED")
	for _, k := range keys {
		expires := when(k.ExpiresAt)
		if k.ExpiresAt != nil && !now.Before(*k.ExpiresAt) {
			expires += " (expired)"
		}
		fmt.Fprintf(tw, "%s\t%s\t%s\t%s\t%s\t%s\t%s\t%s\n", k.ID, k.Name, k.Role, dash(string(k.Body)), dash(k.EnterpriseID),
			expires, when(k.RevokedAt), when(k.LastUsedAt))
	}
	return tw.Flush()
}

func when(t *time.Time) string {
	if t == nil {
		return "-"
	}
	return t.UTC().Format("2006-01-02 15:04Z")
}

func dash(s string) string {
	if s == "" {
		return "-"
	}
	return s
}

func apikeyRevoke(ctx context.Context, args []string, getenv func(string) string, stdout, stderr io.Writer) error {
	var id string
	if len(args) > 0 && !strings.HasPrefix(args[0], "-") {
		id, args = args[0], args[1:]
	}
	cfg, err := parseConfig("apikey revoke", args, getenv, stderr, func(fs *flag.FlagSet) {
		fs.Func("id", "the id of the key to revoke (as apikey list shows it; may also be given as the first argument)", func(v string) error {
			id = v
			return nil
		})
	})
	if err != nil {
		return err
	}
	// A whole key names its id too.
	if rest, ok := strings.CutPrefix(id, auth.KeyPrefix); ok {
		id, _, _ = strings.Cut(rest, "_")
	}
	if id == "" {
		return errors.New("apikey revoke: give the id of the key to revoke, e.g. sanfang apikey revoke 3f2a9c0d1e4b5a67 (apikey list shows the ids)")
	}
	ks, closeKeys, err := openKeys(ctx, cfg, stderr)
	if err != nil {
		return err
	}
	defer closeKeys()
	k, err := ks.Get(ctx, id)
	if err != nil {
		return err
	}
	if k.RevokedAt != nil {
		fmt.Fprintf(stdout, "API key %s (%s) was already revoked at %s.\n", k.ID, k.Name, when(k.RevokedAt))
		return nil
	}
	if err := ks.Revoke(ctx, id); err != nil {
		return err
	}
	fmt.Fprintf(stdout, "API key %s (%s) revoked: requests that use it now fail.\n", k.ID, k.Name)
	return nil
}
