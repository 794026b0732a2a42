package transfer

import (
	"bytes"
	"context"
	"errors"
	"fmt"
	"io"
	"slices"
	"time"

	"go.mongodb.org/mongo-driver/v2/bson"

	"sanfang/internal/auth"
	"sanfang/internal/domain"
	"sanfang/internal/store"
	"sanfang/internal/write"
)

const codeInput = domain.CodeBadUserInput

// Problem is one thing wrong with a row.
type Problem struct {
	// Column is the label of the column at fault (统一社会信用代码(creditCode)),
	// or "" when the row as a whole is.
	Column  string
	Message string
	// Code is BAD_USER_INPUT, FORBIDDEN (the credential may not write the
	// row), CONFLICT or NOT_FOUND.
	Code domain.ErrorCode
	// Reason is the kind of problem, when the validation said; otherwise
	// it follows from Code.
	Reason domain.FieldProblemReason
}

// Options say how an import runs.
type Options struct {
	// DryRun checks every row (reading, validation, references, the
	// credential's rights) and writes nothing.
	DryRun bool
	// SkipBadRows writes the good rows of a file that has bad ones (whose
	// refusals are audited); without it such a file writes nothing.
	SkipBadRows bool
	// Progress, if set, is told every ProgressEvery rows written, and after
	// the last.
	Progress      func(done, total int)
	ProgressEvery int
}

// RowResult is what became of one row (or, in a dry run, what would).
type RowResult struct {
	// Row is the row as a spreadsheet user counts it (the header is row 1),
	// or a JSON item's place in its array (from 1).
	Row   int
	Label string
	// Key is the row's natural key as the report shows it.
	Key    string
	Status write.ReceiptStatus
	// ID is the stored record's id, once written.
	ID       string
	Problems []Problem
}

// Report is what an import did, row by row.
type Report struct {
	Kind   Kind
	Format Format
	DryRun bool
	// Refused says that the file had bad rows and, without SkipBadRows,
	// nothing was written.
	Refused bool
	// Rows lists every row that is not blank, in file order.
	Rows []RowResult
	// Created, Updated and Unchanged count the rows written (in a dry run or
	// a refused file: that would be); Rejected counts the bad rows.
	Created, Updated, Unchanged, Rejected int
}

// Import reads a file of the kind in the format and writes its rows as the
// principal in ctx (auth.WithPrincipal), through the write service: every
// row is authorised by the same policy as a mutation, validated, checked for
// references and audited. References in the file are natural keys (credit
// codes, union names, …), resolved to stored ids by one batched look-up per
// kind of record referred to. A file that cannot be read, or whose header
// names an unknown column or lacks a key column, is a *FileError and
// nothing is written. An error other than a FileError is a failure of the
// database; the report then says what was written before it.
func Import(ctx context.Context, st *store.Store, svc *write.Service, kind Kind, format Format, data []byte, opts Options) (*Report, error) {
	sh, err := readFile(kind, format, data)
	if err != nil {
		return nil, err
	}
	e := &env{st: st, svc: svc, pr: auth.FromContext(ctx)}
	if e.pr.IsAnonymous() {
		return nil, domain.Errorf(domain.CodeUnauthenticated, "导入需要凭据：用 --key 或 SANFANG_API_KEY 给出 API 密钥（sfk_…）")
	}
	switch kind {
	case Enterprises:
		return importEnterprises(ctx, e, sh, opts)
	case Unions:
		return importUnions(ctx, e, sh, opts)
	case Figures:
		return importFigures(ctx, e, sh, opts)
	case Activities:
		return importActivities(ctx, e, sh, opts)
	case People:
		return importPeople(ctx, e, sh, opts)
	}
	return nil, fmt.Errorf("unknown kind %q", kind)
}

// entity is what every domain record offers.
type entity interface {
	Meta() *domain.Record
	Validate() []domain.FieldError
}

// spec is how the rows of one kind are written.
type spec[T any] struct {
	kind Kind
	wk   write.Kind[T]
	id   func(*T) *string
	// resource is the record as the policy sees it (the write kinds'
	// owners, editors and enterprise).
	resource func(*T) auth.Resource
}

// item is one row on its way to the store.
type item[T any] struct {
	row *row
	// key is the row's natural key, to find repeated rows; "" when it
	// could not be read.
	key string
	// show is the key as the report shows it.
	show string
	rec  *T
	// existing is the stored record with the row's key, or nil.
	existing *T
	// upsert: the record is written with write.Upsert (its natural key is
	// one the store knows); otherwise with write.Create or write.Update.
	upsert bool
	// keyBad: the key could not be read or resolved, so the row's rights
	// are not checked either.
	keyBad bool
	probs  []Problem
	// dep is a row of the same file this one refers to (a union's parent
	// federation, new in the file), written before it; depth orders the
	// writes.
	dep    *item[T]
	depCol *Column
	depth  int
	// beforeWrite fills in references to rows written earlier.
	beforeWrite func()
	// id and status say what became of the row once written.
	id     string
	status write.ReceiptStatus
}

func newItem[T any](r *row) *item[T] {
	return &item[T]{row: r, probs: slices.Clone(r.probs)}
}

func (it *item[T]) add(c *Column, format string, args ...any) {
	label := ""
	if c != nil {
		label = c.Label()
	}
	it.probs = append(it.probs, Problem{Column: label, Message: fmt.Sprintf(format, args...), Code: codeInput})
}

func (it *item[T]) addErr(c *Column, err error) { it.add(c, "%s", err.Error()) }

func (it *item[T]) hasProblem(c *Column) bool {
	return slices.ContainsFunc(it.probs, func(p Problem) bool { return c != nil && p.Column == c.Label() })
}

func (it *item[T]) bad() bool { return len(it.probs) > 0 }

// count reads a whole-number column into dst, when the file has it.
func (it *item[T]) count(c *Column, dst **int) {
	if !it.row.has(c) {
		return
	}
	n, err := parseCount(it.row.text(c))
	if err != nil {
		it.addErr(c, err)
		return
	}
	*dst = n
}

// date reads a date column into dst, when the file has it.
func (it *item[T]) date(c *Column, dst **time.Time) {
	if !it.row.has(c) {
		return
	}
	t, err := parseDate(it.row.text(c))
	if err != nil {
		it.addErr(c, err)
		return
	}
	*dst = t
}

// regions reads a list of cities.
func (it *item[T]) regions(c *Column) []string {
	out := []string{}
	for _, s := range it.row.list(c) {
		code, err := parseRegion(s)
		if err != nil {
			it.addErr(c, err)
			continue
		}
		out = append(out, code)
	}
	return out
}

// asError is the row's problems as the write service's error, for
// write.Reject.
func (it *item[T]) asError() *domain.Error {
	code := codeInput
	var fields []domain.FieldError
	for _, p := range it.probs {
		if p.Code == domain.CodeForbidden {
			code = domain.CodeForbidden
		}
		field := "row"
		if p.Column != "" {
			field = p.Column
		}
		reason := p.Reason
		if reason == "" {
			reason = domain.ReasonForCode(p.Code)
		}
		fields = append(fields, domain.FieldError{Field: field, Reason: reason, Message: p.Message})
	}
	de := domain.Invalid("", fields).(*domain.Error)
	de.Code = code
	de.Message = it.row.label + ": " + de.Message
	return de
}

// problemsOf turns a write's refusal into problems under the columns of the
// fields it names.
func problemsOf(kind Kind, de *domain.Error) []Problem {
	if len(de.Fields) == 0 {
		col := ""
		if c := columnOf(kind, de.Field); c != nil && de.Field != "" {
			col = c.Label()
		}
		return []Problem{{Column: col, Message: de.Message, Code: de.Code}}
	}
	out := make([]Problem, 0, len(de.Fields))
	for _, f := range de.Fields {
		col := ""
		if c := columnOf(kind, f.Field); c != nil {
			col = c.Label()
		}
		out = append(out, Problem{Column: col, Message: f.Message, Code: de.Code})
	}
	return out
}

// process checks every row (repeats, validation, rights), and unless this
// is a dry run or a refused file, writes the rows.
func process[T any, P interface {
	*T
	entity
}](ctx context.Context, e *env, sp spec[T], sh *sheet, items []*item[T], opts Options) (*Report, error) {
	// A natural key given twice: the later rows are refused, so that a dry
	// run and a real run agree (the second would otherwise overwrite the
	// first).
	first := map[string]*item[T]{}
	for _, it := range items {
		if it.key == "" {
			continue
		}
		if f, dup := first[it.key]; dup {
			it.add(nil, "与%s重复（%s）：同一条记录在文件中只能出现一次", f.row.label, it.show)
			continue
		}
		first[it.key] = it
	}
	for _, it := range items {
		if it.rec == nil {
			continue
		}
		for _, fe := range P(it.rec).Validate() {
			c := columnOf(sp.kind, fe.Field)
			if c != nil && it.hasProblem(c) {
				continue
			}
			label := ""
			if c != nil {
				label = c.Label()
			}
			it.probs = append(it.probs, Problem{Column: label, Message: fe.Message, Code: codeInput, Reason: fe.Reason})
		}
		if it.keyBad {
			continue
		}
		if err := authorize(e, sp, it); err != nil {
			return nil, err
		}
	}
	// A row whose parent row is bad cannot be written either; parents come
	// first in depth order, so a chain of them is caught.
	order := slices.Clone(items)
	slices.SortStableFunc(order, func(a, b *item[T]) int { return a.depth - b.depth })
	for _, it := range order {
		if it.dep != nil && it.dep.bad() {
			it.add(it.depCol, "它在%s，而那一行有错误", it.dep.row.label)
		}
	}

	rep := &Report{Kind: sp.kind, Format: sh.format, DryRun: opts.DryRun}
	bad := 0
	for _, it := range items {
		if it.bad() {
			bad++
			it.status = write.Rejected
			continue
		}
		switch {
		case it.existing == nil:
			it.status = write.Created
		case sameContent(it.existing, it.rec):
			it.status = write.Unchanged
		default:
			it.status = write.Updated
		}
	}
	rep.Refused = bad > 0 && !opts.SkipBadRows && !opts.DryRun
	if opts.DryRun || rep.Refused {
		return finish(rep, items), nil
	}

	if err := e.ensureBodies(ctx); err != nil {
		return nil, err
	}
	for n, it := range order {
		if err := write1[T, P](ctx, e, sp, it); err != nil {
			finish(rep, items)
			return rep, fmt.Errorf("%s: %w", it.row.label, err)
		}
		if opts.Progress != nil && opts.ProgressEvery > 0 && ((n+1)%opts.ProgressEvery == 0 || n+1 == len(order)) {
			opts.Progress(n+1, len(order))
		}
	}
	return finish(rep, items), nil
}

// authorize checks the credential's right to write the row as it will be
// and, for a row that updates a record, as it is.
func authorize[T any](e *env, sp spec[T], it *item[T]) error {
	action := auth.ActionUpsert
	if !it.upsert {
		action = auth.ActionCreate
		if it.existing != nil {
			action = auth.ActionUpdate
		}
	}
	recs := []*T{it.rec}
	if it.existing != nil {
		recs = append(recs, it.existing)
	}
	for _, rec := range recs {
		err := e.svc.Policy().Authorize(e.pr, action, sp.resource(rec))
		if err == nil {
			continue
		}
		var de *domain.Error
		if !errors.As(err, &de) {
			return err
		}
		if !slices.ContainsFunc(it.probs, func(p Problem) bool { return p.Message == de.Message }) {
			it.probs = append(it.probs, Problem{Message: de.Message, Code: de.Code})
		}
	}
	return nil
}

// write1 writes one row (or refuses a bad one, audited) and notes what
// became of it.
func write1[T any, P interface {
	*T
	entity
}](ctx context.Context, e *env, sp spec[T], it *item[T]) error {
	if !it.bad() && it.beforeWrite != nil {
		it.beforeWrite()
	}
	if it.bad() {
		if _, err := write.Reject(ctx, e.svc, sp.wk, it.asError()); err != nil {
			return err
		}
		it.status = write.Rejected
		return nil
	}
	refused := func(err error) error {
		var de *domain.Error
		if !errors.As(err, &de) || domain.CodeOf(err) == domain.CodeInternal {
			return err
		}
		it.probs = append(it.probs, problemsOf(sp.kind, de)...)
		it.status = write.Rejected
		return nil
	}
	switch {
	case it.upsert:
		rc, err := write.Upsert(ctx, e.svc, sp.wk, it.rec)
		if err != nil {
			return err
		}
		if rc.Status == write.Rejected {
			return refused(rc.Error)
		}
		it.status, it.id = rc.Status, rc.ID
	case it.existing == nil:
		out, err := write.Create(ctx, e.svc, sp.wk, it.rec)
		if err != nil {
			return refused(err)
		}
		it.status, it.id = write.Created, *sp.id(out)
	default:
		id, version := *sp.id(it.existing), P(it.existing).Meta().Version
		rec := it.rec
		out, err := write.Update(ctx, e.svc, sp.wk, id, version, func(cur *T) error {
			// The file's fields replace the record's; its history (version,
			// creation, provenance) stays the store's.
			meta := *P(cur).Meta()
			*cur = *rec
			*sp.id(cur) = id
			*P(cur).Meta() = meta
			return nil
		})
		if err != nil {
			return refused(err)
		}
		it.status, it.id = write.Updated, id
		if P(out).Meta().Version == version {
			it.status = write.Unchanged
		}
	}
	return nil
}

// finish fills the report in from the rows.
func finish[T any](rep *Report, items []*item[T]) *Report {
	rep.Rows = make([]RowResult, len(items))
	rep.Created, rep.Updated, rep.Unchanged, rep.Rejected = 0, 0, 0, 0
	for i, it := range items {
		rep.Rows[i] = RowResult{Row: it.row.num, Label: it.row.label, Key: it.show, Status: it.status, ID: it.id, Problems: it.probs}
		switch it.status {
		case write.Created:
			rep.Created++
		case write.Updated:
			rep.Updated++
		case write.Unchanged:
			rep.Unchanged++
		case write.Rejected:
			rep.Rejected++
		}
	}
	return rep
}

// bookkeeping are the fields every write sets: left out when a dry run
// compares a row with the stored record (as the store does).
var bookkeeping = []string{"_id", "version", "createdAt", "updatedAt", "provenance", "nameKey"}

// sameContent reports whether two records hold the same fields, bookkeeping
// aside: whether writing b over a would change nothing.
func sameContent[T any](a, b *T) bool {
	ra, err1 := bson.Marshal(a)
	rb, err2 := bson.Marshal(b)
	if err1 != nil || err2 != nil {
		return false
	}
	strip := func(raw bson.Raw) []bson.RawElement {
		els, _ := raw.Elements()
		return slices.DeleteFunc(els, func(e bson.RawElement) bool { return slices.Contains(bookkeeping, e.Key()) })
	}
	ea, eb := strip(ra), strip(rb)
	return slices.EqualFunc(ea, eb, func(x, y bson.RawElement) bool { return bytes.Equal(x, y) })
}

// cloneRec deep-copies a record (through BSON), or makes a new one when
// there is none.
func cloneRec[T any](v *T, fresh func() *T) *T {
	if v == nil {
		return fresh()
	}
	raw, err := bson.Marshal(v)
	c := new(T)
	if err == nil {
		err = bson.Unmarshal(raw, c)
	}
	if err != nil {
		panic(fmt.Sprintf("transfer: copy a record: %v", err))
	}
	return c
}

// WriteText writes the report for a person: every bad row with its number
// and reasons, then the counts.
func (rep *Report) WriteText(w io.Writer) {
	for _, r := range rep.Rows {
		if len(r.Problems) == 0 {
			continue
		}
		key := ""
		if r.Key != "" {
			key = "（" + r.Key + "）"
		}
		fmt.Fprintf(w, "%s%s：\n", r.Label, key)
		for _, p := range r.Problems {
			col := "整行"
			if p.Column != "" {
				col = p.Column
			}
			fmt.Fprintf(w, "  %s：%s\n", col, p.Message)
		}
	}
	total := len(rep.Rows)
	switch {
	case rep.DryRun:
		fmt.Fprintf(w, "试运行（没有写入任何数据）：%s共 %d 行，将新建 %d，将更新 %d，不变 %d，有错误 %d。\n",
			rep.Kind.SheetName(), total, rep.Created, rep.Updated, rep.Unchanged, rep.Rejected)
	case rep.Refused:
		fmt.Fprintf(w, "有 %d 行有错误，整个文件没有导入（没有写入任何数据）。改正后重新导入，或加 --skip-bad-rows 只导入没有错误的 %d 行。\n",
			rep.Rejected, total-rep.Rejected)
	default:
		fmt.Fprintf(w, "导入完成：%s共 %d 行，新建 %d，更新 %d，不变 %d，拒绝 %d。\n",
			rep.Kind.SheetName(), total, rep.Created, rep.Updated, rep.Unchanged, rep.Rejected)
	}
}

// Summary is the report's counts in one line, for a log.
func (rep *Report) Summary() string {
	return fmt.Sprintf("created %d, updated %d, unchanged %d, rejected %d", rep.Created, rep.Updated, rep.Unchanged, rep.Rejected)
}
