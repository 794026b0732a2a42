package main

import (
	"bytes"
	"context"
	"errors"
	"flag"
	"fmt"
	"io"
	"log/slog"
	"os"
	"strings"

	"sanfang/internal/auth"
	"sanfang/internal/store"
	"sanfang/internal/transfer"
	"sanfang/internal/write"
)

const importUsage = `Usage:
  sanfang import --kind KIND --key sfk_… [--dry-run] [--skip-bad-rows] [--format FORMAT] [--progress 100] FILE

Imports enterprises, unions, figures (membership figures), activities or
people from a CSV, JSON or XLSX file (the format from the file's extension
unless --format says). Rows are matched to stored records by their natural
keys (credit code; enterprise and name; union and period; external id; name
and bodies) and written as the key's holder, with the same rights as its
mutations; every write is audited. A file with bad rows writes nothing
unless --skip-bad-rows is given; --dry-run checks every row and writes
nothing. The exit status is not zero when any row is rejected.

Import in this order: enterprises, people, unions, figures, activities.
The key may also be given as SANFANG_API_KEY.
`

const exportUsage = `Usage:
  sanfang export --kind KIND [--format FORMAT] [--out FILE] [--key sfk_…]
  sanfang export --template --kind KIND [--format FORMAT] [--out FILE]

Writes every record of the kind (or, with --template, an empty file with
the headers, and in XLSX a sheet 说明 explaining each column) as CSV, JSON or
XLSX, to --out or standard output. The format comes from --out's extension
unless --format says (CSV for standard output). References are written as
natural keys, so the file imports back into another store. Contact details
of people are written in full only where the key may see them.
`

// runImport is "sanfang import".
func runImport(ctx context.Context, args []string, getenv func(string) string, stdout, stderr io.Writer) error {
	var kindName, formatName, key, file string
	var dryRun, skipBad bool
	var every int
	args, file, err := positional(args, "dry-run", "skip-bad-rows")
	if err != nil {
		return err
	}
	cfg, err := parseConfig("import", args, getenv, stderr, func(fs *flag.FlagSet) {
		general := fs.Usage
		fs.Usage = func() { fmt.Fprint(stderr, importUsage+"\n"); general() }
		fs.StringVar(&kindName, "kind", "", "what the file holds: enterprises, people, unions, figures or activities (required)")
		fs.StringVar(&formatName, "format", "", "csv, json or xlsx (default: from the file's extension)")
		fs.StringVar(&key, "key", "", "the API key (sfk_…) to import as (default: SANFANG_API_KEY)")
		fs.BoolVar(&dryRun, "dry-run", false, "check every row, report every bad one, write nothing")
		fs.BoolVar(&skipBad, "skip-bad-rows", false, "write the good rows of a file that has bad ones (otherwise such a file writes nothing)")
		fs.StringVar(&file, "file", file, "the file to import (may also be given as an argument)")
		fs.IntVar(&every, "progress", 100, "report progress on standard error every this many rows written")
	})
	if err != nil {
		return err
	}
	kind, format, err := kindAndFormat(kindName, formatName, file, "")
	if err != nil {
		return fmt.Errorf("import: %w", err)
	}
	if file == "" {
		return errors.New("import: give the file to import, e.g. sanfang import --kind " + string(kind) + " --key sfk_… 企业.xlsx")
	}
	if key == "" {
		key = getenv("SANFANG_API_KEY")
	}
	if key == "" {
		return errors.New("import: an import writes, so it needs an API key: --key sfk_… or SANFANG_API_KEY (an admin makes one with sanfang apikey create)")
	}
	data, err := os.ReadFile(file)
	if err != nil {
		return fmt.Errorf("import: %w", err)
	}
	logger := slog.New(slog.NewJSONHandler(stderr, &slog.HandlerOptions{Level: cfg.LogLevel}))
	st, closeStore, err := openStore(ctx, cfg, logger)
	if err != nil {
		return err
	}
	defer closeStore()
	principal, err := auth.NewKeyStore(st.Database(store.Joint)).Verify(ctx, strings.TrimSpace(key))
	if err != nil {
		return fmt.Errorf("import: the API key was refused: %w", err)
	}
	// Finish writes an earlier process left half done, as serve does.
	if _, err := st.Reconcile(ctx); err != nil {
		return fmt.Errorf("finish interrupted writes: %w", err)
	}
	svc := write.New(st, auth.Policy{AnonymousReads: cfg.AnonymousReads}, logger)
	ctx = auth.WithPrincipal(ctx, principal)
	mode := ""
	if dryRun {
		mode = "（试运行）"
	}
	fmt.Fprintf(stderr, "导入%s %s（%s）%s，凭据 %s …\n", kind.SheetName(), file, format, mode, principal)
	rep, err := transfer.Import(ctx, st, svc, kind, format, data, transfer.Options{
		DryRun: dryRun, SkipBadRows: skipBad, ProgressEvery: max(1, every),
		Progress: func(done, total int) { fmt.Fprintf(stderr, "导入 %d/%d …\n", done, total) },
	})
	if rep != nil {
		rep.WriteText(stdout)
	}
	var fe *transfer.FileError
	switch {
	case errors.As(err, &fe):
		return fmt.Errorf("import: %s: %s", file, fe.Message)
	case err != nil:
		return fmt.Errorf("import: %w", err)
	case rep.Rejected > 0 && rep.DryRun:
		return fmt.Errorf("import: %d of %d rows have errors (dry run: nothing was written)", rep.Rejected, len(rep.Rows))
	case rep.Refused:
		return fmt.Errorf("import: %d of %d rows have errors: nothing was written", rep.Rejected, len(rep.Rows))
	case rep.Rejected > 0:
		return fmt.Errorf("import: %d of %d rows were rejected", rep.Rejected, len(rep.Rows))
	}
	return nil
}

// runExport is "sanfang export".
func runExport(ctx context.Context, args []string, getenv func(string) string, stdout, stderr io.Writer) error {
	var kindName, formatName, key, out string
	var template bool
	cfg, err := parseConfig("export", args, getenv, stderr, func(fs *flag.FlagSet) {
		general := fs.Usage
		fs.Usage = func() { fmt.Fprint(stderr, exportUsage+"\n"); general() }
		fs.StringVar(&kindName, "kind", "", "what to export: enterprises, people, unions, figures or activities (required)")
		fs.StringVar(&formatName, "format", "", "csv, json or xlsx (default: from --out's extension, else csv)")
		fs.StringVar(&out, "out", "", "the file to write (default: standard output)")
		fs.StringVar(&key, "key", "", "the API key (sfk_…) to read as: contact details are shown in full only where it may see them (default: SANFANG_API_KEY; none reads as anonymous)")
		fs.BoolVar(&template, "template", false, "write an empty file with the headers (XLSX: and a sheet 说明 explaining them) instead of the records")
	})
	if err != nil {
		return err
	}
	kind, format, err := kindAndFormat(kindName, formatName, out, transfer.CSV)
	if err != nil {
		return fmt.Errorf("export: %w", err)
	}
	var buf bytes.Buffer
	rows := 0
	if template {
		if err := transfer.WriteTemplate(&buf, kind, format); err != nil {
			return fmt.Errorf("export: %w", err)
		}
	} else {
		logger := slog.New(slog.NewJSONHandler(stderr, &slog.HandlerOptions{Level: cfg.LogLevel}))
		st, closeStore, err := openStore(ctx, cfg, logger)
		if err != nil {
			return err
		}
		defer closeStore()
		if key == "" {
			key = getenv("SANFANG_API_KEY")
		}
		principal := auth.Anonymous()
		if key != "" {
			if principal, err = auth.NewKeyStore(st.Database(store.Joint)).Verify(ctx, strings.TrimSpace(key)); err != nil {
				return fmt.Errorf("export: the API key was refused: %w", err)
			}
		}
		svc := write.New(st, auth.Policy{AnonymousReads: cfg.AnonymousReads}, logger)
		res, err := transfer.Export(auth.WithPrincipal(ctx, principal), st, svc, kind, format, &buf)
		if err != nil {
			return fmt.Errorf("export: %w", err)
		}
		rows = res.Rows
		for _, w := range res.Warnings {
			fmt.Fprintln(stderr, "注意：", w)
		}
	}
	if out == "" {
		_, err := stdout.Write(buf.Bytes())
		return err
	}
	if err := os.WriteFile(out, buf.Bytes(), 0o644); err != nil {
		return fmt.Errorf("export: %w", err)
	}
	if template {
		fmt.Fprintf(stderr, "模板已写入 %s（%s，%s）\n", out, kind.SheetName(), format)
	} else {
		fmt.Fprintf(stderr, "已导出%s %d 行到 %s（%s）\n", kind.SheetName(), rows, out, format)
	}
	return nil
}

// kindAndFormat reads --kind and --format, the format defaulting to the
// file's extension, else def.
func kindAndFormat(kindName, formatName, file string, def transfer.Format) (transfer.Kind, transfer.Format, error) {
	if kindName == "" {
		return "", "", errors.New("--kind is required: enterprises, people, unions, figures or activities")
	}
	kind, err := transfer.ParseKind(kindName)
	if err != nil {
		return "", "", fmt.Errorf("--kind: %w", err)
	}
	var format transfer.Format
	switch {
	case formatName != "":
		if format, err = transfer.ParseFormat(formatName); err != nil {
			return "", "", fmt.Errorf("--format: %w", err)
		}
	case file != "":
		if format, err = transfer.FormatOf(file); err != nil {
			return "", "", err
		}
	case def != "":
		format = def
	default:
		return "", "", errors.New("give --format csv, json or xlsx")
	}
	return kind, format, nil
}

// positional takes the one argument that is neither a flag nor a flag's
// value out of args, wherever it stands (sanfang import --kind unions
// 工会.xlsx --dry-run). bools are the command's own flags that take no value;
// the settings' on/off flags take none either.
func positional(args []string, bools ...string) ([]string, string, error) {
	isBool := map[string]bool{"h": true, "help": true}
	for _, b := range bools {
		isBool[b] = true
	}
	for _, s := range settings() {
		if s.isBool() {
			isBool[s.name] = true
		}
	}
	var rest, found []string
	for i := 0; i < len(args); i++ {
		a := args[i]
		switch {
		case a == "--":
			found = append(found, args[i+1:]...)
			i = len(args)
		case strings.HasPrefix(a, "-") && a != "-":
			rest = append(rest, a)
			name := strings.TrimLeft(a, "-")
			if !strings.Contains(name, "=") && !isBool[name] && i+1 < len(args) {
				rest = append(rest, args[i+1])
				i++
			}
		default:
			found = append(found, a)
		}
	}
	switch len(found) {
	case 0:
		return rest, "", nil
	case 1:
		return rest, found[0], nil
	}
	return nil, "", fmt.Errorf("give one file, not %d: %s", len(found), strings.Join(found, " "))
}
