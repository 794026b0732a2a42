// Command sanfang serves one GraphQL endpoint over the data of Shanxi's
// Postal Administration, Information Industry Trade Union Federation and
// Express Delivery Association.
//
//	go run .                                      serve (embedded database, seeded)
//	go run . generate --scale province --seed 1   load synthetic data
//	go run . --help                               list every setting
package main

import (
	"context"
	"encoding/json"
	"errors"
	"flag"
	"fmt"
	"io"
	"log/slog"
	"net"
	"net/http"
	"os"
	"os/signal"
	"strings"
	"syscall"
	"time"

	"sanfang/graph"
	"sanfang/internal/auth"
	"sanfang/internal/embedded"
	"sanfang/internal/events"
	"sanfang/internal/obs"
	"sanfang/internal/respcache"
	"sanfang/internal/seed"
	"sanfang/internal/store"
	"sanfang/internal/webhook"
	"sanfang/internal/write"
)

func main() {
	ctx, stop := signal.NotifyContext(context.Background(), os.Interrupt, syscall.SIGTERM)
	defer stop()
	if err := run(ctx, os.Args[1:], os.Getenv, os.Stdout, os.Stderr); err != nil {
		if !errors.Is(err, flag.ErrHelp) {
			fmt.Fprintln(os.Stderr, "sanfang:", err)
			os.Exit(1)
		}
	}
}

// run is the whole program: it returns when ctx is cancelled (serve) or the
// command is done. Tests call it as main does.
func run(ctx context.Context, args []string, getenv func(string) string, stdout, stderr io.Writer) error {
	cmd := "serve"
	if len(args) > 0 && (args[0] == "serve" || args[0] == "generate" || args[0] == "apikey" || args[0] == "schema" || args[0] == "import" || args[0] == "export" || args[0] == "documents") {
		cmd, args = args[0], args[1:]
	}
	switch cmd {
	case "generate":
		return runGenerate(ctx, args, getenv, stdout, stderr)
	case "schema":
		return runSchema(ctx, args, stdout, stderr)
	case "apikey":
		return runAPIKey(ctx, args, getenv, stdout, stderr)
	case "import":
		return runImport(ctx, args, getenv, stdout, stderr)
	case "export":
		return runExport(ctx, args, getenv, stdout, stderr)
	case "documents":
		return runDocuments(ctx, args, getenv, stdout, stderr)
	default:
		return runServe(ctx, args, getenv, stdout, stderr)
	}
}

// openStore starts the embedded database if no MongoDB URI is set, opens the
// store and creates its indexes. The returned func closes both.
func openStore(ctx context.Context, cfg *config, logger *slog.Logger) (*store.Store, func(), error) {
	var db *embedded.Server
	embeddedURI := ""
	if cfg.embedded() {
		var dbLogger *slog.Logger
		if cfg.DBLog {
			dbLogger = logger.With("component", "ferretdb")
		}
		var err error
		if db, err = embedded.Start(ctx, cfg.DataDir, dbLogger); err != nil {
			return nil, nil, err
		}
		embeddedURI = db.URI()
		logger.Info("embedded database started", "dir", cfg.DataDir)
	}
	stopDB := func() {
		if db != nil {
			db.Stop()
		}
	}
	locs, err := cfg.locations(embeddedURI)
	if err != nil {
		stopDB()
		return nil, nil, err
	}
	st, err := store.Open(ctx, cfg.storeConfig(locs))
	if err != nil {
		stopDB()
		return nil, nil, err
	}
	closeAll := func() {
		ctx, cancel := context.WithTimeout(context.Background(), 5*time.Second)
		defer cancel()
		if err := st.Close(ctx); err != nil {
			logger.Warn("closing the store", "err", err)
		}
		stopDB()
	}
	if err := st.EnsureIndexes(ctx); err != nil {
		closeAll()
		return nil, nil, err
	}
	return st, closeAll, nil
}

func runServe(ctx context.Context, args []string, getenv func(string) string, stdout, stderr io.Writer) error {
	cfg, err := parseConfig("serve", args, getenv, stderr, nil)
	if err != nil {
		return err
	}
	logger := obs.NewLogger(stderr, cfg.LogLevel)
	secrets, err := cfg.secrets()
	if err != nil {
		return err
	}
	if secrets == nil {
		logger.Warn("webhook signing secrets are stored unsealed: set SANFANG_SECRET_KEY (required in production mode)")
	}
	// Listen first, so that a busy port stops start-up before anything else.
	ln, err := net.Listen("tcp", cfg.Addr)
	if err != nil {
		return fmt.Errorf("listen on %s (SANFANG_ADDR): %w", cfg.Addr, err)
	}
	defer ln.Close()
	ops, err := setUpOps(ctx, cfg, logger)
	if err != nil {
		return err
	}
	defer ops.shutdown()
	st, closeStore, err := openStore(ctx, cfg, logger)
	if err != nil {
		return err
	}
	defer closeStore()
	if cfg.Seed {
		if err := loadSeed(ctx, st, logger); err != nil {
			return err
		}
	}
	authn, err := authenticator(ctx, cfg, st, logger)
	if err != nil {
		return err
	}
	// Finish any write whose writer died before its audit record was in the
	// log, now and every half minute.
	if n, err := st.Reconcile(ctx); err != nil {
		return fmt.Errorf("finish interrupted writes: %w", err)
	} else if n > 0 {
		logger.Warn("finished interrupted writes", "count", n)
	}
	go reconcileEvery(ctx, st, logger, 30*time.Second)

	writes := write.New(st, authn.Policy(), logger)
	bus := events.NewBus(st)
	var cache *respcache.Cache
	if cfg.CacheTTL > 0 {
		cache = respcache.New(respcache.Options{TTL: cfg.CacheTTL, MaxEntries: cfg.CacheEntries})
		respcache.InvalidateOnWrite(st, cache)
	}
	hooks := webhook.New(st.Database(store.Joint), bus, webhook.Options{AllowInsecure: !cfg.Production, Logger: logger, Secrets: secrets})
	go func() {
		if err := hooks.Run(ctx); err != nil && ctx.Err() == nil {
			logger.Error("webhook deliveries stopped", "err", err)
		}
	}()
	docs, err := serveDocuments(ctx, cfg, st, logger)
	if err != nil {
		return err
	}
	mux := http.NewServeMux()
	mux.Handle("/graphql", graph.CORS(graph.CORSOptions{Origins: cfg.Documents.CORSOrigins})(graph.NewHandler(graph.Options{WebSocketOrigins: cfg.Documents.CORSOrigins, Store: st, Write: writes, Auth: authn, Events: bus, Webhooks: hooks, Cache: cache, Logger: logger, Introspection: cfg.Introspection && !cfg.Production, Extensions: ops.extensions(),
		Documents: docs, TrustedDocumentsOnly: cfg.Production, DisableSuggestions: cfg.Production, GatewayCredentials: cfg.Documents.GatewayCredentials, Tracer: ops.obs.TracerIfOn(), Limits: cfg.limits()})))
	mux.HandleFunc("GET /debug/cache", func(w http.ResponseWriter, r *http.Request) {
		w.Header().Set("Content-Type", "application/json")
		var stats any = map[string]bool{"enabled": false}
		if cache != nil {
			stats = cache.Stats()
		}
		_ = json.NewEncoder(w).Encode(stats)
	})
	ops.mount(mux, st, cache)
	mux.HandleFunc("GET /{$}", func(w http.ResponseWriter, r *http.Request) {
		http.Redirect(w, r, "/graphql", http.StatusFound)
	})
	// On shutdown, requests in flight finish (within a deadline) but live
	// subscriptions are closed at once with their protocol's close message.
	streams, closeStreams := context.WithCancel(context.WithoutCancel(ctx))
	defer closeStreams()
	srv := &http.Server{
		Handler:           ops.handler(endStreamsOn(streams, mux)),
		ReadHeaderTimeout: 10 * time.Second,
		BaseContext:       func(net.Listener) context.Context { return context.WithoutCancel(ctx) },
	}
	srv.RegisterOnShutdown(closeStreams)
	errc := make(chan error, 1)
	go func() { errc <- srv.Serve(ln) }()
	fmt.Fprintf(stdout, "sanfang: GraphQL at http://%s/graphql (GraphiQL in a browser)\n", ln.Addr())

	select {
	case err := <-errc:
		return fmt.Errorf("serve HTTP: %w", err)
	case <-ctx.Done():
	}
	shutdownCtx, cancel := context.WithTimeout(context.WithoutCancel(ctx), cfg.Ops.ShutdownTimeout)
	defer cancel()
	if err := srv.Shutdown(shutdownCtx); err != nil {
		return fmt.Errorf("shut down HTTP: %w", err)
	}
	return nil
}

// endStreamsOn ends streaming requests (WebSocket, Server-Sent Events) when
// streams is done.
func endStreamsOn(streams context.Context, next http.Handler) http.Handler {
	return http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
		if r.Header.Get("Upgrade") == "" && !strings.Contains(r.Header.Get("Accept"), "text/event-stream") {
			next.ServeHTTP(w, r)
			return
		}
		ctx, cancel := context.WithCancel(r.Context())
		defer cancel()
		stop := context.AfterFunc(streams, cancel)
		defer stop()
		next.ServeHTTP(w, r.WithContext(ctx))
	})
}

// authenticator checks API keys against the store and, when an issuer is
// configured, bearer tokens from the single sign-on.
func authenticator(ctx context.Context, cfg *config, st *store.Store, logger *slog.Logger) (*auth.Authenticator, error) {
	keys := auth.NewKeyStore(st.Database(store.Joint))
	if err := keys.EnsureIndexes(ctx); err != nil {
		return nil, err
	}
	a := &auth.Authenticator{Keys: keys, AnonymousReads: cfg.AnonymousReads, Logger: logger}
	if cfg.JWTIssuer != "" || cfg.JWTSecret != "" || cfg.JWTJWKSFile != "" {
		jc := auth.JWTConfig{Issuer: cfg.JWTIssuer, Audience: cfg.JWTAudience, JWKSFile: cfg.JWTJWKSFile}
		if cfg.JWTSecret != "" {
			jc.HS256Secret = []byte(cfg.JWTSecret)
		}
		v, err := auth.NewJWTVerifier(jc)
		if err != nil {
			return nil, fmt.Errorf("invalid JWT settings (SANFANG_JWT_*): %w", err)
		}
		a.JWT = v
	}
	return a, nil
}

func reconcileEvery(ctx context.Context, st *store.Store, logger *slog.Logger, every time.Duration) {
	t := time.NewTicker(every)
	defer t.Stop()
	for {
		select {
		case <-ctx.Done():
			return
		case <-t.C:
			if n, err := st.Reconcile(ctx); err != nil && ctx.Err() == nil {
				logger.Error("finish interrupted writes", "err", err)
			} else if n > 0 {
				logger.Warn("finished interrupted writes", "count", n)
			}
		}
	}
}

// loadSeed loads the joint-meeting data set unless it was loaded before.
func loadSeed(ctx context.Context, st *store.Store, logger *slog.Logger) error {
	const name = "joint-meeting-2025-12-30"
	done, err := st.Seeded(ctx, name)
	if err != nil || done {
		return err
	}
	ds, err := seed.JointMeeting()
	if err != nil {
		return err
	}
	res, err := st.Load(ctx, ds)
	if err != nil {
		return fmt.Errorf("load seed data: %w", err)
	}
	logger.Info("seed data loaded", "set", name, "inserted", res.Inserted, "existing", res.Existing)
	return st.MarkSeeded(ctx, name, res, time.Now())
}
