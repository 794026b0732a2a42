package main

import (
	"flag"
	"fmt"
	"io"
	"log/slog"
	"net"
	"strconv"
	"strings"
	"time"

	"sanfang/internal/seal"
	"sanfang/internal/store"
)

// config is everything sanfang can be told, from flags or SANFANG_*
// environment variables (a flag wins over the environment).
type config struct {
	Addr          string
	DataDir       string
	MongoURI      string
	PartURIs      map[store.Part]string
	PartDBs       map[store.Part]string
	Seed          bool
	LogLevel      slog.Level
	DBLog         bool
	MaxPageSize   int
	Introspection bool

	// Production is set by SANFANG_MODE=production: plain-HTTP and private
	// webhook targets are refused.
	Production bool

	CacheTTL     time.Duration
	CacheEntries int

	AnonymousReads bool
	JWTIssuer      string
	JWTAudience    string
	JWTSecret      string
	JWTJWKSFile    string

	// SecretKey seals stored secrets (webhook signing secrets);
	// OldSecretKeys still open what earlier keys sealed. Nil: stored plain,
	// which production mode refuses.
	SecretKey     []byte
	OldSecretKeys [][]byte

	// The settings of the endpoint's protection and operation, each area
	// in a file of its own (config_*.go).
	Limits    limitsConfig
	Documents documentsConfig
	Ops       opsConfig
}

// setting is one configuration item: its flag, its environment variable and
// its help text, which --help and the README's table show.
type setting struct {
	name, env, def, help string
	set                  func(c *config, v string) error
}

// isBool reports whether the setting is on/off, so that its flag may be
// given alone (--db-log) as well as with a value (--db-log=false).
func (s setting) isBool() bool { return s.def == "true" || s.def == "false" }

// flagValue holds a flag's text until every source has been read.
type flagValue struct {
	v      string
	isBool bool
}

func (f *flagValue) String() string     { return f.v }
func (f *flagValue) Set(v string) error { f.v = v; return nil }
func (f *flagValue) IsBoolFlag() bool   { return f.isBool }

func settings() []setting {
	s := []setting{
		{"addr", "SANFANG_ADDR", "127.0.0.1:8080", "address to serve HTTP on", func(c *config, v string) error {
			if _, _, err := net.SplitHostPort(v); err != nil {
				return fmt.Errorf("not host:port: %w", err)
			}
			c.Addr = v
			return nil
		}},
		{"data-dir", "SANFANG_DATA_DIR", "./data", "directory of the embedded database's files (used when no MongoDB URI is set)", func(c *config, v string) error {
			if v == "" {
				return fmt.Errorf("must not be empty")
			}
			c.DataDir = v
			return nil
		}},
		{"mongodb-uri", "SANFANG_MONGODB_URI", "", "MongoDB URI for every body's database; when set (or a per-body URI is), the embedded database is not started", func(c *config, v string) error {
			c.MongoURI = v
			return nil
		}},
	}
	for _, p := range store.Parts {
		up := strings.ToUpper(string(p))
		s = append(s,
			setting{string(p) + "-mongodb-uri", "SANFANG_" + up + "_MONGODB_URI", "", fmt.Sprintf("MongoDB URI for the %s database (default: SANFANG_MONGODB_URI)", p), func(c *config, v string) error {
				c.PartURIs[p] = v
				return nil
			}},
			setting{string(p) + "-db", "SANFANG_" + up + "_DB", "sanfang_" + string(p), fmt.Sprintf("name of the %s database", p), func(c *config, v string) error {
				if v == "" || strings.ContainsAny(v, "/\\. \"$") {
					return fmt.Errorf("%q is not a usable database name", v)
				}
				c.PartDBs[p] = v
				return nil
			}},
		)
	}
	s = append(s,
		setting{"seed-data", "SANFANG_SEED_DATA", "true", "load the seed data set (the 2025-12-30 joint meeting) into an empty store at start", func(c *config, v string) error {
			b, err := strconv.ParseBool(v)
			c.Seed = b
			return err
		}},
		setting{"log-level", "SANFANG_LOG_LEVEL", "info", "log level: debug, info, warn or error", func(c *config, v string) error {
			return c.LogLevel.UnmarshalText([]byte(v))
		}},
		setting{"db-log", "SANFANG_DB_LOG", "false", "show the embedded database's own logs", func(c *config, v string) error {
			b, err := strconv.ParseBool(v)
			c.DBLog = b
			return err
		}},
		setting{"max-page-size", "SANFANG_MAX_PAGE_SIZE", "100", "largest first/last a connection accepts", func(c *config, v string) error {
			n, err := strconv.Atoi(v)
			if err != nil || n < 1 || n > 10000 {
				return fmt.Errorf("must be a whole number from 1 to 10000")
			}
			c.MaxPageSize = n
			return nil
		}},
		setting{"introspection", "SANFANG_INTROSPECTION", "true", "allow schema introspection (GraphiQL needs it)", func(c *config, v string) error {
			b, err := strconv.ParseBool(v)
			c.Introspection = b
			return err
		}},
		setting{"mode", "SANFANG_MODE", "development", "development or production: production runs only registered documents, turns introspection and suggestions off, needs SANFANG_SECRET_KEY, and refuses plain-HTTP and private-network webhook targets", func(c *config, v string) error {
			switch v {
			case "development":
				c.Production = false
			case "production":
				c.Production = true
			default:
				return fmt.Errorf("must be development or production")
			}
			return nil
		}},
		setting{"cache-ttl", "SANFANG_CACHE_TTL", "60s", "how long a cached answer may be served at most (0 turns the response cache off); writes invalidate sooner", func(c *config, v string) error {
			d, err := time.ParseDuration(v)
			if err != nil || d < 0 {
				return fmt.Errorf("must be a duration such as 60s or 5m")
			}
			c.CacheTTL = d
			return nil
		}},
		setting{"cache-entries", "SANFANG_CACHE_ENTRIES", "1000", "how many answers the response cache keeps", func(c *config, v string) error {
			n, err := strconv.Atoi(v)
			if err != nil || n < 1 {
				return fmt.Errorf("must be a whole number of at least 1")
			}
			c.CacheEntries = n
			return nil
		}},
		setting{"anonymous-reads", "SANFANG_ANONYMOUS_READS", "true", "let requests without a credential read (personal data stays masked); set false in production", func(c *config, v string) error {
			b, err := strconv.ParseBool(v)
			c.AnonymousReads = b
			return err
		}},
		setting{"jwt-issuer", "SANFANG_JWT_ISSUER", "", "accept bearer tokens from the single sign-on with this issuer (iss); needs a secret or a JWKS file", func(c *config, v string) error {
			c.JWTIssuer = v
			return nil
		}},
		setting{"jwt-audience", "SANFANG_JWT_AUDIENCE", "", "if set, a token's aud must include it", func(c *config, v string) error {
			c.JWTAudience = v
			return nil
		}},
		setting{"jwt-hs256-secret", "SANFANG_JWT_HS256_SECRET", "", "shared secret (at least 32 bytes) verifying HS256 tokens; prefer the environment to the flag", func(c *config, v string) error {
			if v != "" && len(v) < 32 {
				return fmt.Errorf("has %d bytes; it needs at least 32", len(v))
			}
			c.JWTSecret = v
			return nil
		}},
		setting{"jwt-jwks-file", "SANFANG_JWT_JWKS_FILE", "", "JSON Web Key Set file whose RSA keys verify RS256 tokens", func(c *config, v string) error {
			c.JWTJWKSFile = v
			return nil
		}},
		setting{"secret-key", "SANFANG_SECRET_KEY", "", "64 hex digits (e.g. from `openssl rand -hex 32`): the AES-256 key that seals webhook signing secrets in the database; required in production mode, prefer the environment to the flag", func(c *config, v string) error {
			if v == "" {
				return nil
			}
			k, err := seal.ParseKey(v)
			c.SecretKey = k
			return err
		}},
		setting{"old-secret-keys", "SANFANG_OLD_SECRET_KEYS", "", "comma-separated previous secret keys: what they sealed still opens, and is sealed again under SANFANG_SECRET_KEY when next read (key rotation)", func(c *config, v string) error {
			c.OldSecretKeys = nil
			for i, part := range strings.Split(v, ",") {
				if strings.TrimSpace(part) == "" {
					continue
				}
				k, err := seal.ParseKey(part)
				if err != nil {
					return fmt.Errorf("key %d: %v", i+1, err)
				}
				c.OldSecretKeys = append(c.OldSecretKeys, k)
			}
			return nil
		}},
	)
	s = append(s, limitSettings()...)
	s = append(s, documentSettings()...)
	s = append(s, opsSettings()...)
	return s
}

// parseConfig reads settings from args (flags) over getenv over defaults.
// An invalid value stops start-up with a message naming the setting. extra,
// if not nil, adds a command's own flags.
func parseConfig(name string, args []string, getenv func(string) string, usage io.Writer, extra func(*flag.FlagSet)) (*config, error) {
	c := &config{PartURIs: map[store.Part]string{}, PartDBs: map[store.Part]string{}}
	fs := flag.NewFlagSet(name, flag.ContinueOnError)
	fs.SetOutput(usage)
	fs.Usage = func() {
		fmt.Fprintf(usage, "Usage: sanfang %s [flags]\n\nEvery setting can also be given by its environment variable.\n\n", name)
		if extra != nil {
			own := flag.NewFlagSet(name, flag.ContinueOnError)
			own.SetOutput(usage)
			extra(own)
			own.PrintDefaults()
			fmt.Fprintln(usage)
		}
		for _, s := range settings() {
			def := s.def
			if def == "" {
				def = "unset"
			}
			fmt.Fprintf(usage, "  --%s  (%s, default %s)\n      %s\n", s.name, s.env, def, s.help)
		}
	}
	if extra != nil {
		extra(fs)
	}
	values := map[string]*flagValue{}
	for _, s := range settings() {
		values[s.name] = &flagValue{isBool: s.isBool()}
		fs.Var(values[s.name], s.name, s.help)
	}
	if err := fs.Parse(args); err != nil {
		return nil, err
	}
	if fs.NArg() > 0 {
		return nil, fmt.Errorf("unexpected argument %q: see sanfang %s --help", fs.Arg(0), name)
	}
	for _, s := range settings() {
		v, from := s.def, "default"
		if e := getenv(s.env); e != "" {
			v, from = e, s.env
		}
		if f := values[s.name].v; f != "" {
			v, from = f, "--"+s.name
		}
		if err := s.set(c, v); err != nil {
			return nil, fmt.Errorf("invalid setting %s (from %s): %q: %v", s.env, from, v, err)
		}
	}
	return c, nil
}

// embedded reports whether no MongoDB URI is set anywhere, so the embedded
// database serves every part.
func (c *config) embedded() bool {
	if c.MongoURI != "" {
		return false
	}
	for _, u := range c.PartURIs {
		if u != "" {
			return false
		}
	}
	return true
}

// locations says where each part lives, given the embedded database's URI
// when it runs.
func (c *config) locations(embeddedURI string) (map[store.Part]store.Location, error) {
	locs := map[store.Part]store.Location{}
	for _, p := range store.Parts {
		uri := c.PartURIs[p]
		if uri == "" {
			uri = c.MongoURI
		}
		if uri == "" {
			uri = embeddedURI
		}
		if uri == "" {
			return nil, fmt.Errorf("no MongoDB URI for the %s database: set SANFANG_%s_MONGODB_URI or SANFANG_MONGODB_URI", p, strings.ToUpper(string(p)))
		}
		locs[p] = store.Location{URI: uri, Database: c.PartDBs[p]}
	}
	return locs, nil
}

// storeConfig is the store's configuration.
func (c *config) storeConfig(locs map[store.Part]store.Location) store.Config {
	return store.Config{Locations: locs, Pages: store.PageLimits{Default: min(20, c.MaxPageSize), Max: c.MaxPageSize},
		Timeout: c.Ops.DBTimeout, Monitor: c.Ops.monitor, PoolMonitor: c.Ops.poolMonitor}
}

// secrets is the keyring that seals stored secrets: nil without a key,
// which production mode refuses.
func (c *config) secrets() (*seal.Keyring, error) {
	if c.SecretKey == nil {
		switch {
		case c.Production:
			return nil, fmt.Errorf("production mode needs SANFANG_SECRET_KEY (64 hex digits, e.g. from `openssl rand -hex 32`) to seal webhook signing secrets in the database")
		case len(c.OldSecretKeys) > 0:
			return nil, fmt.Errorf("SANFANG_OLD_SECRET_KEYS is set without SANFANG_SECRET_KEY: set the current key too")
		}
		return nil, nil
	}
	ring, err := seal.NewKeyring(c.SecretKey, c.OldSecretKeys...)
	if err != nil {
		return nil, fmt.Errorf("SANFANG_SECRET_KEY, SANFANG_OLD_SECRET_KEYS: %w", err)
	}
	return ring, nil
}
