package main

import (
	"context"
	"errors"
	"flag"
	"fmt"
	"io"
	"log/slog"
	"os"
	"strings"
	"text/tabwriter"
	"time"

	"sanfang/graph"
	"sanfang/internal/documents"
	"sanfang/internal/store"
)

const documentsUsage = `Usage:
  sanfang documents add FILE... [flags]    register documents (.graphql files, or directories of them)
  sanfang documents list [flags]           list the registered documents
  sanfang documents remove HASH [flags]    remove a document added with "add"

Registered (trusted) documents are the GraphQL operations a production
server (SANFANG_MODE=production) runs: it refuses every other document
before running it. Any server runs a registered document sent by its hash
alone, as automatic persisted queries do:

  {"extensions": {"persistedQuery": {"version": 1, "sha256Hash": "HASH"}}}

A document's hash is the SHA-256 of its normalised text (the same however it
is spaced or commented), as "add" and "list" print it. "add" checks each
document against the schema and adds none if any is wrong; documents are
kept in the joint database (collection documents), with the store settings
serve uses (--data-dir, SANFANG_MONGODB_URI, ...). Files in
SANFANG_DOCUMENTS_DIR are registered too, without "add". A running server
reads both again every 30 seconds. "sanfang documents COMMAND --help" lists
every setting.
`

// documentsRefresh is how often a server reads the registered documents
// again.
const documentsRefresh = 30 * time.Second

// runDocuments is "sanfang documents": it adds, lists and removes the
// registered documents kept in the joint database.
func runDocuments(ctx context.Context, args []string, getenv func(string) string, stdout, stderr io.Writer) error {
	if len(args) == 0 {
		fmt.Fprint(stderr, documentsUsage)
		return errors.New("documents: say add, list or remove")
	}
	sub, args := args[0], args[1:]
	switch sub {
	case "add":
		return documentsAdd(ctx, args, getenv, stdout, stderr)
	case "list":
		return documentsList(ctx, args, getenv, stdout, stderr)
	case "remove":
		return documentsRemove(ctx, args, getenv, stdout, stderr)
	case "help", "-h", "-help", "--help":
		fmt.Fprint(stderr, documentsUsage)
		return flag.ErrHelp
	}
	fmt.Fprint(stderr, documentsUsage)
	return fmt.Errorf("documents: unknown command %q: use add, list or remove", sub)
}

// splitArgs separates positional arguments from flags (and their values),
// wherever they are given.
func splitArgs(args []string) (positional, flags []string) {
	takesValue := map[string]bool{}
	for _, s := range settings() {
		takesValue[s.name] = !s.isBool()
	}
	for i := 0; i < len(args); i++ {
		a := args[i]
		switch {
		case a == "--":
			return append(positional, args[i+1:]...), flags
		case strings.HasPrefix(a, "-") && a != "-":
			flags = append(flags, a)
			name := strings.TrimLeft(a, "-")
			if !strings.Contains(name, "=") && takesValue[name] && i+1 < len(args) {
				flags = append(flags, args[i+1])
				i++
			}
		default:
			positional = append(positional, a)
		}
	}
	return positional, flags
}

// openDocuments opens the store as serve does and returns its documents.
func openDocuments(ctx context.Context, cfg *config, stderr io.Writer) (*documents.Store, func(), error) {
	logger := slog.New(slog.NewJSONHandler(stderr, &slog.HandlerOptions{Level: cfg.LogLevel}))
	st, closeStore, err := openStore(ctx, cfg, logger)
	if err != nil {
		return nil, nil, err
	}
	return documents.NewStore(st.Database(store.Joint)), closeStore, nil
}

func documentsAdd(ctx context.Context, args []string, getenv func(string) string, stdout, stderr io.Writer) error {
	files, flags := splitArgs(args)
	cfg, err := parseConfig("documents add", flags, getenv, stderr, nil)
	if err != nil {
		return err
	}
	if len(files) == 0 {
		return errors.New("documents add: name the .graphql files to register, e.g. sanfang documents add dashboards/*.graphql")
	}
	// Read and check every document before touching the database, and
	// report every problem at once.
	schema := graph.NewExecutableSchema(graph.Config{}).Schema()
	var docs []documents.Document
	var problems []string
	for _, f := range files {
		var read []documents.Document
		if fi, err := os.Stat(f); err == nil && fi.IsDir() {
			read, err = documents.ReadDir(f)
			if err == nil && len(read) == 0 {
				err = fmt.Errorf("%s has no .graphql files", f)
			}
			if err != nil {
				problems = append(problems, "  "+err.Error())
				continue
			}
		} else {
			d, err := documents.ReadFile(f)
			if err != nil {
				problems = append(problems, "  "+err.Error())
				continue
			}
			read = []documents.Document{d}
		}
		for _, d := range read {
			if err := d.Validate(schema); err != nil {
				problems = append(problems, fmt.Sprintf("  %s: %v", d.Source, err))
				continue
			}
			docs = append(docs, d)
		}
	}
	if len(problems) > 0 {
		return fmt.Errorf("no document was added:\n%s", strings.Join(problems, "\n"))
	}
	ds, closeStore, err := openDocuments(ctx, cfg, stderr)
	if err != nil {
		return err
	}
	defer closeStore()
	for _, d := range docs {
		stored, added, err := ds.Add(ctx, d)
		if err != nil {
			return err
		}
		if added {
			fmt.Fprintf(stdout, "added    %s  %s  (%s)\n", stored.Hash, stored.Name, d.Source)
		} else {
			fmt.Fprintf(stdout, "already  %s  %s  (%s; registered %s)\n", stored.Hash, stored.Name, d.Source, stored.AddedAt.UTC().Format("2006-01-02 15:04Z"))
		}
	}
	fmt.Fprintln(stdout, "\nClients may send a registered document by its hash alone; a running server picks new documents up within 30 seconds.")
	return nil
}

func documentsList(ctx context.Context, args []string, getenv func(string) string, stdout, stderr io.Writer) error {
	cfg, err := parseConfig("documents list", args, getenv, stderr, nil)
	if err != nil {
		return err
	}
	var fromDir []documents.Document
	if cfg.Documents.Dir != "" {
		if fromDir, err = documents.ReadDir(cfg.Documents.Dir); err != nil {
			return fmt.Errorf("SANFANG_DOCUMENTS_DIR: %w", err)
		}
	}
	ds, closeStore, err := openDocuments(ctx, cfg, stderr)
	if err != nil {
		return err
	}
	defer closeStore()
	stored, err := ds.List(ctx)
	if err != nil {
		return err
	}
	if len(stored)+len(fromDir) == 0 {
		fmt.Fprintln(stdout, "No registered documents. Add some with: sanfang documents add FILE.graphql (or set SANFANG_DOCUMENTS_DIR)")
		return nil
	}
	tw := tabwriter.NewWriter(stdout, 0, 4, 2, ' ', 0)
	fmt.Fprintln(tw, "HASH\tNAME\tFROM\tADDED")
	for _, d := range stored {
		fmt.Fprintf(tw, "%s\t%s\t%s\t%s\n", d.Hash, d.Name, dash(d.Source), d.AddedAt.UTC().Format("2006-01-02 15:04Z"))
	}
	for _, d := range fromDir {
		fmt.Fprintf(tw, "%s\t%s\t%s\t%s\n", d.Hash, d.Name, d.Source, "(SANFANG_DOCUMENTS_DIR)")
	}
	return tw.Flush()
}

func documentsRemove(ctx context.Context, args []string, getenv func(string) string, stdout, stderr io.Writer) error {
	hashes, flags := splitArgs(args)
	cfg, err := parseConfig("documents remove", flags, getenv, stderr, nil)
	if err != nil {
		return err
	}
	if len(hashes) != 1 {
		return errors.New("documents remove: give the hash of one document (as documents list shows it; its first 8 hex digits are enough if no other starts with them)")
	}
	ds, closeStore, err := openDocuments(ctx, cfg, stderr)
	if err != nil {
		return err
	}
	defer closeStore()
	d, err := ds.Remove(ctx, hashes[0])
	if errors.Is(err, documents.ErrNotFound) {
		if cfg.Documents.Dir != "" {
			if fromDir, derr := documents.ReadDir(cfg.Documents.Dir); derr == nil {
				for _, d := range fromDir {
					if strings.HasPrefix(d.Hash, strings.ToLower(strings.TrimPrefix(hashes[0], "sha256:"))) {
						return fmt.Errorf("document %s (%s) comes from the file %s in SANFANG_DOCUMENTS_DIR: delete the file to remove it", d.Hash, d.Name, d.Source)
					}
				}
			}
		}
		return fmt.Errorf("no document added with \"documents add\" has the hash %s (see sanfang documents list)", hashes[0])
	}
	if err != nil {
		return err
	}
	fmt.Fprintf(stdout, "removed  %s  %s: a production server refuses it from its next reading of the documents (within 30 seconds).\n", d.Hash, d.Name)
	return nil
}

// serveDocuments loads the registered documents a server runs (the
// directory's and the database's), and reads them again every
// documentsRefresh until ctx ends, so documents added or removed with
// "sanfang documents" take effect without a restart.
func serveDocuments(ctx context.Context, cfg *config, st *store.Store, logger *slog.Logger) (*documents.Registry, error) {
	ds := documents.NewStore(st.Database(store.Joint))
	docs, err := documents.Gather(ctx, cfg.Documents.Dir, ds)
	if err != nil {
		return nil, fmt.Errorf("load the registered documents (SANFANG_DOCUMENTS_DIR, the documents collection): %w", err)
	}
	reg := documents.NewRegistry(docs...)
	logger.Info("registered documents loaded", "count", len(docs), "dir", cfg.Documents.Dir, "only_registered_run", cfg.Production)
	if cfg.Production && len(docs) == 0 {
		logger.Warn("production mode runs only registered documents and none is registered: every operation will be refused; add some with \"sanfang documents add\" or SANFANG_DOCUMENTS_DIR")
	}
	go func() {
		t := time.NewTicker(documentsRefresh)
		defer t.Stop()
		for {
			select {
			case <-ctx.Done():
				return
			case <-t.C:
				docs, err := documents.Gather(ctx, cfg.Documents.Dir, ds)
				if err != nil {
					if ctx.Err() == nil {
						logger.Error("reading the registered documents again failed; keeping the ones loaded", "err", err)
					}
					continue
				}
				if n := reg.Len(); n != len(docs) {
					logger.Info("registered documents changed", "count", len(docs), "was", n)
				}
				reg.Set(docs)
			}
		}
	}()
	return reg, nil
}
