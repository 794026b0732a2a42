package transfer_test

import (
	"bytes"
	"context"
	"encoding/json"
	"fmt"
	"slices"
	"strings"
	"testing"
	"time"

	"github.com/xuri/excelize/v2"
	"go.mongodb.org/mongo-driver/v2/bson"
	"golang.org/x/text/encoding/simplifiedchinese"

	"sanfang/internal/auth"
	"sanfang/internal/domain"
	"sanfang/internal/seed"
	"sanfang/internal/store"
	"sanfang/internal/storetest"
	"sanfang/internal/transfer"
	"sanfang/internal/write"
)

// records is every record of the five kinds in a store, decoded, with the
// ids of the records they refer to replaced by those records' natural keys
// and with ids, versions, times, provenance and name keys dropped: what an
// export → import must reproduce. One JSON line per record, sorted.
func records(t *testing.T, st *store.Store) map[string][]string {
	t.Helper()
	ctx := context.Background()
	find := func(part store.Part, coll string, out any) {
		cur, err := st.Database(part).Collection(coll).Find(ctx, bson.D{})
		if err != nil {
			t.Fatal(err)
		}
		if err := cur.All(ctx, out); err != nil {
			t.Fatal(err)
		}
	}
	var ents []domain.Enterprise
	var people []domain.Person
	var unions []domain.Union
	var figs []domain.MembershipFigures
	var acts []domain.Activity
	find(store.Postal, "enterprises", &ents)
	find(store.Joint, "people", &people)
	find(store.Union, "unions", &unions)
	find(store.Union, "membershipFigures", &figs)
	find(store.Union, "activities", &acts)

	key := map[string]string{}
	for _, e := range ents {
		key[e.ID] = "enterprise:" + *e.CreditCode
	}
	for _, p := range people {
		bodies := p.BodyIDs()
		slices.Sort(bodies)
		key[p.ID] = "person:" + p.Name + "|" + strings.Join(bodies, ",")
	}
	for _, u := range unions {
		key[u.ID] = "union:" + key[deref(u.EnterpriseID)] + "|" + u.Name
	}
	ref := func(id *string) *string {
		if id == nil {
			return nil
		}
		k, ok := key[*id]
		if !ok {
			t.Fatalf("a reference to %q, which is not in the store", *id)
		}
		return &k
	}
	refs := func(list []string) []string {
		out := make([]string, len(list))
		for i, id := range list {
			out[i] = *ref(&id)
		}
		return out
	}
	out := map[string][]string{}
	add := func(kind string, v any) { out[kind] = append(out[kind], mustJSON(v)) }
	for _, e := range ents {
		e.ID, e.Record, e.NameKey = "", domain.Record{}, ""
		add("enterprises", e)
	}
	for _, p := range people {
		p.ID, p.Record, p.NameKey = "", domain.Record{}, ""
		add("people", p)
	}
	for _, u := range unions {
		u.ID, u.Record, u.NameKey = "", domain.Record{}, ""
		u.EnterpriseID, u.ParentID, u.ChairID = ref(u.EnterpriseID), ref(u.ParentID), ref(u.ChairID)
		add("unions", u)
	}
	for _, f := range figs {
		f.ID, f.Record = "", domain.Record{}
		f.UnionID = *ref(&f.UnionID)
		add("figures", f)
	}
	for _, a := range acts {
		a.ID, a.Record = "", domain.Record{}
		a.EnterpriseIDs, a.UnionIDs = refs(a.EnterpriseIDs), refs(a.UnionIDs)
		a.TaskID = ref(a.TaskID)
		add("activities", a)
	}
	for k := range out {
		slices.Sort(out[k])
	}
	return out
}

func deref(s *string) string {
	if s == nil {
		return ""
	}
	return *s
}

func sameRecords(t *testing.T, what string, got, want map[string][]string) {
	t.Helper()
	for _, kind := range []string{"enterprises", "people", "unions", "figures", "activities"} {
		if len(got[kind]) != len(want[kind]) {
			t.Errorf("%s: %d %s, want %d", what, len(got[kind]), kind, len(want[kind]))
			continue
		}
		for i := range want[kind] {
			if got[kind][i] != want[kind][i] {
				t.Errorf("%s: %s differ:\n got %s\nwant %s", what, kind, got[kind][i], want[kind][i])
			}
		}
	}
}

// TestExportImportRoundTrip exports every kind from a store in each format
// and imports the files, in order, into an empty store: every field of
// every record comes back, the references pointing at the same records
// (by natural key), and exporting the new store gives the same files.
func TestExportImportRoundTrip(t *testing.T) {
	for _, format := range transfer.Formats {
		t.Run(string(format), func(t *testing.T) {
			from, fromSvc := loaded(t, fixture())
			to, toSvc := open(t)
			files := map[transfer.Kind][]byte{}
			for _, kind := range transfer.Kinds {
				files[kind] = export(t, from, fromSvc, admin(), kind, format)
				rep := importFile(t, to, toSvc, admin(), kind, format, files[kind], transfer.Options{})
				if s := statuses(rep); s[write.Created] != len(rep.Rows) || len(rep.Rows) == 0 {
					t.Fatalf("import of the exported %s: %v, want every row CREATED\n%s", kind, s, reportText(rep))
				}
			}
			sameRecords(t, "after the round trip", records(t, to), records(t, from))
			bodies, err := to.Bodies.FindIn(context.Background(), "_id", domain.Strings(domain.BodyCodes), nil, nil)
			if err != nil || len(bodies) != 4 {
				t.Errorf("the empty store has %d bodies after the import (err %v), want the 4 from the seed set", len(bodies), err)
			}
			if format == transfer.XLSX {
				return // the bytes of a workbook hold its time of writing
			}
			for _, kind := range transfer.Kinds {
				if again := export(t, to, toSvc, admin(), kind, format); !bytes.Equal(again, files[kind]) {
					t.Errorf("exporting %s from the new store differs:\n%s\nwant\n%s", kind, again, files[kind])
				}
			}
		})
	}
}

// TestImportXLSXTwiceChangesNothing imports an XLSX file of every kind into
// an empty store, then the same files again: the second time every row is
// UNCHANGED, every record is as it was (versions and times too) and the
// audit log holds only the first import's writes.
func TestImportXLSXTwiceChangesNothing(t *testing.T) {
	from, fromSvc := loaded(t, fixture())
	to, toSvc := open(t)
	files := map[transfer.Kind][]byte{}
	created := 0
	for _, kind := range transfer.Kinds {
		files[kind] = export(t, from, fromSvc, admin(), kind, transfer.XLSX)
		rep := importFile(t, to, toSvc, admin(), kind, transfer.XLSX, files[kind], transfer.Options{})
		created += rep.Created
		if rep.Created != len(rep.Rows) {
			t.Fatalf("first import of %s: %s", kind, reportText(rep))
		}
	}
	first, firstLog := snapshot(t, to), auditLog(t, to)
	accepted := 0
	for _, r := range firstLog {
		if r.Outcome == domain.OutcomeAccepted && (strings.HasPrefix(r.Operation, "upsert") || strings.HasPrefix(r.Operation, "create")) {
			accepted++
		}
	}
	if accepted != created || len(firstLog) != created {
		t.Errorf("the first import made %d records; the audit log has %d records, %d of them accepted writes", created, len(firstLog), accepted)
	}
	for _, kind := range transfer.Kinds {
		rep := importFile(t, to, toSvc, admin(), kind, transfer.XLSX, files[kind], transfer.Options{})
		if s := statuses(rep); s[write.Unchanged] != len(rep.Rows) {
			t.Errorf("second import of %s: %v, want every row UNCHANGED\n%s", kind, s, reportText(rep))
		}
	}
	if again := snapshot(t, to); mustJSON(again) != mustJSON(first) {
		t.Errorf("the second import changed the store:\n%s\nwant\n%s", mustJSON(again), mustJSON(first))
	}
	if log := auditLog(t, to); len(log) != len(firstLog) {
		t.Errorf("the audit log grew from %d to %d records on the second import: %s", len(firstLog), len(log), mustJSON(log[len(firstLog):]))
	}
}

// TestXLSXWithChineseHeadersAndTypedCells reads a workbook as a person
// fills one in: Chinese headers, numbers typed as numbers, dates and a
// month typed as dates (Excel stores serial numbers), a phone typed as a
// number.
func TestXLSXWithChineseHeadersAndTypedCells(t *testing.T) {
	st, svc := loaded(t, &seed.Dataset{Bodies: fixture().Bodies})
	serial := func(d string) float64 {
		return day(d).Sub(time.Date(1899, 12, 30, 0, 0, 0, 0, time.UTC)).Hours() / 24
	}
	ents := xlsxFile(t,
		[]any{"企业名称", "品牌", "统一社会信用代码", "所在城市", "网点数", "快递员数", "从业人员数", "数据截至"},
		[]any{"山西顺丰", "顺丰", codeSF, "太原市、晋中市", 120, 900, 1200, serial("2026-03-31")},
	)
	rep := importFile(t, st, svc, admin(), transfer.Enterprises, transfer.XLSX, ents, transfer.Options{})
	if rep.Created != 1 {
		t.Fatalf("enterprises: %s", reportText(rep))
	}
	got, err := st.Enterprises.FindIn(context.Background(), "creditCode", []string{codeSF}, nil, nil)
	if err != nil || len(got) != 1 {
		t.Fatalf("stored enterprise: %v %v", got, err)
	}
	e := got[0]
	if e.Name != "山西顺丰" || *e.Outlets != 120 || *e.Couriers != 900 || *e.Employees != 1200 || !e.FiguresAsOf.Equal(*day("2026-03-31")) ||
		strings.Join(e.RegionCodes, ",") != "140100,140700" {
		t.Errorf("stored enterprise = %s", mustJSON(e))
	}
	unions := xlsxFile(t, []any{"工会名称", "类型", "所属企业信用代码", "成立日期"}, []any{"山西顺丰工会", "企业工会", codeSF, serial("2025-06-01")})
	if rep := importFile(t, st, svc, admin(), transfer.Unions, transfer.XLSX, unions, transfer.Options{}); rep.Created != 1 {
		t.Fatalf("unions: %s", reportText(rep))
	}
	figs := xlsxFile(t,
		[]any{"工会名称", "所属企业信用代码", "期间", "职工数", "快递员数", "会员数", "快递员会员数"},
		[]any{"山西顺丰工会", codeSF, serial("2026-05-01"), 1210, 905, 830, 700},
		[]any{"山西顺丰工会", codeSF, "2026-06", "1,220", "910.0", 840},
	)
	rep = importFile(t, st, svc, admin(), transfer.Figures, transfer.XLSX, figs, transfer.Options{})
	if rep.Created != 2 {
		t.Fatalf("figures: %s", reportText(rep))
	}
	stored, _ := st.Figures.FindIn(context.Background(), "period", []string{"2026-05", "2026-06"}, nil, bson.D{{Key: "period", Value: 1}})
	if len(stored) != 2 || *stored[0].Members != 830 || *stored[1].Employees != 1220 || *stored[1].Couriers != 910 || stored[1].CourierMembers != nil {
		t.Errorf("stored figures = %s", mustJSON(stored))
	}
	people := xlsxFile(t, []any{"姓名", "职务", "电话"}, []any{"董刚", "省邮政管理局:党组书记、局长", 13900139000})
	if rep := importFile(t, st, svc, admin(), transfer.People, transfer.XLSX, people, transfer.Options{}); rep.Created != 1 {
		t.Fatalf("people: %s", reportText(rep))
	}
	if p, _ := st.People.FindIn(context.Background(), "name", []string{"董刚"}, nil, nil); len(p) != 1 || deref(p[0].Phone) != "13900139000" {
		t.Errorf("stored person = %s", mustJSON(p))
	}
}

// TestDryRunListsEveryBadRow checks a file with bad rows of every sort: a
// dry run lists each by its spreadsheet row number (a blank line still
// counts) with the column and the reason, and writes nothing; a real run
// writes nothing either; with --skip-bad-rows the good rows are written
// and the bad ones refused (and audited).
func TestDryRunListsEveryBadRow(t *testing.T) {
	st, svc := loaded(t, fixture())
	file := []byte("\ufeff工会名称,所属企业信用代码,期间,职工数,会员数\r\n" +
		"山西顺丰工会," + codeSF + ",2026-05,1300,1100\r\n" + // 2: good
		"山西顺丰工会," + codeSF + ",2026-13,1300,1100\r\n" + // 3: no such month
		"\r\n" + // 4: blank
		"不存在的工会," + codeSF + ",2026-05,10,5\r\n" + // 5: no such union
		"山西中通工会," + codeZT + ",2026-05,100,200\r\n" + // 6: more members than employees
		"山西中通工会," + codeZT + ",2026-06,一百,5\r\n" + // 7: not a number
		"山西中通工会," + codeZT + ",2026-07,100,50\r\n" + // 8: good
		"山西顺丰工会," + codeSF + ",2026-05,1,1\r\n" + // 9: repeats row 2
		"山西顺丰工会,91140100MA0K0000IO,2026-05,1,1\r\n") // 10: bad credit code
	before, beforeLog := snapshot(t, st), auditLog(t, st)
	nothingWritten := func(when string) {
		t.Helper()
		if mustJSON(snapshot(t, st)) != mustJSON(before) {
			t.Errorf("%s: the store changed", when)
		}
		if n := len(auditLog(t, st)); n != len(beforeLog) {
			t.Errorf("%s: the audit log grew from %d to %d", when, len(beforeLog), n)
		}
	}

	rep := importFile(t, st, svc, editor(domain.BodyUnion), transfer.Figures, transfer.CSV, file, transfer.Options{DryRun: true})
	if got, want := badRows(rep), []int{3, 5, 6, 7, 9, 10}; !slices.Equal(got, want) {
		t.Fatalf("bad rows = %v, want %v\n%s", got, want, reportText(rep))
	}
	for row, want := range map[int]string{
		3:  "期间(period): \"2026-13\" 不是月份",
		5:  "工会名称(unionName): 没有所属企业信用代码为 " + codeSF + "、名为“不存在的工会”的工会",
		6:  "会员数(members): members (200) cannot be more than employees (100)",
		7:  "职工数(employees): \"一百\" 不是整数",
		9:  "与第 2 行重复",
		10: "所属企业信用代码(enterpriseCreditCode): \"91140100MA0K0000IO\" 不是有效的统一社会信用代码",
	} {
		if got := problemsOf(rep, row); !strings.Contains(got, want) {
			t.Errorf("row %d's problems = %q, want %q", row, got, want)
		}
	}
	text := reportText(rep)
	for _, want := range []string{"第 3 行", "第 10 行", "试运行", "将新建 2", "有错误 6"} {
		if !strings.Contains(text, want) {
			t.Errorf("the report does not say %q:\n%s", want, text)
		}
	}
	nothingWritten("dry run")

	rep = importFile(t, st, svc, editor(domain.BodyUnion), transfer.Figures, transfer.CSV, file, transfer.Options{})
	if !rep.Refused || rep.Rejected != 6 || !strings.Contains(reportText(rep), "没有写入任何数据") {
		t.Errorf("a real run of a file with bad rows: refused %v, rejected %d\n%s", rep.Refused, rep.Rejected, reportText(rep))
	}
	nothingWritten("real run")

	rep = importFile(t, st, svc, editor(domain.BodyUnion), transfer.Figures, transfer.CSV, file, transfer.Options{SkipBadRows: true})
	if rep.Refused || rep.Created != 2 || rep.Rejected != 6 {
		t.Fatalf("with --skip-bad-rows: %s", reportText(rep))
	}
	log := auditLog(t, st)[len(beforeLog):]
	outcomes := map[domain.Outcome]int{}
	for _, r := range log {
		outcomes[r.Outcome]++
	}
	if outcomes[domain.OutcomeAccepted] != 2 || outcomes[domain.OutcomeInvalid] != 6 {
		t.Errorf("audit of the import with --skip-bad-rows: %v, want 2 accepted and 6 invalid", outcomes)
	}
}

// TestRightsAreTheMutations checks that an import has the rights of its
// key: a partner writes only its own enterprise's figures and activities;
// a POSTAL editor writes no unions.
func TestRightsAreTheMutations(t *testing.T) {
	st, svc := loaded(t, fixture())
	sf := partner("ent-sf")
	figs := csvFile(
		[]string{"unionName", "enterpriseCreditCode", "period", "employees", "members"},
		[]string{"山西顺丰工会", codeSF, "2026-05", "1300", "1100"},
		[]string{"山西中通工会", codeZT, "2026-05", "400", "300"},
	)
	rep := importFile(t, st, svc, sf, transfer.Figures, transfer.CSV, figs, transfer.Options{DryRun: true})
	if got := badRows(rep); !slices.Equal(got, []int{3}) || !strings.Contains(problemsOf(rep, 3), "[FORBIDDEN]") {
		t.Fatalf("partner's figures: bad rows %v\n%s", got, reportText(rep))
	}
	acts := csvFile(
		[]string{"外部编号", "类型", "名称", "组织单位", "日期", "参与企业信用代码"},
		[]string{"SF-1", "技能培训", "顺丰快递员技能培训", "省信息业工会", "2026-05-20", codeSF},
		[]string{"SF-2", "技能培训", "中通快递员技能培训", "省信息业工会", "2026-05-21", codeZT},
		[]string{"EXT-1", "劳动竞赛", "2026年太原市快递员劳动竞赛", "省信息业工会", "2026-04-01", codeSF},
	)
	rep = importFile(t, st, svc, sf, transfer.Activities, transfer.CSV, acts, transfer.Options{SkipBadRows: true})
	if got := badRows(rep); !slices.Equal(got, []int{3, 4}) || rep.Created != 1 {
		t.Fatalf("partner's activities: bad rows %v\n%s", got, reportText(rep))
	}
	for _, row := range []int{3, 4} {
		if p := problemsOf(rep, row); !strings.Contains(p, "[FORBIDDEN]") || !strings.Contains(p, "partner") {
			t.Errorf("row %d: %s, want a FORBIDDEN reason", row, p)
		}
	}
	forbidden := 0
	for _, r := range auditLog(t, st) {
		if r.Outcome == domain.OutcomeForbidden && r.Actor.CredentialID == sf.ID {
			forbidden++
		}
	}
	if forbidden != 2 {
		t.Errorf("%d FORBIDDEN audit records for the partner, want 2", forbidden)
	}

	unions := csvFile([]string{"工会名称", "所属企业信用代码", "城市"}, []string{"山西顺丰工会", codeSF, "太原市"}, []string{"山西韵达工会", codeYD, "大同市"})
	rep = importFile(t, st, svc, editor(domain.BodyPostal), transfer.Unions, transfer.CSV, unions, transfer.Options{DryRun: true})
	if got := badRows(rep); !slices.Equal(got, []int{2, 3}) {
		t.Fatalf("a POSTAL editor's unions: bad rows %v\n%s", got, reportText(rep))
	}
	if p := problemsOf(rep, 3); !strings.Contains(p, "[FORBIDDEN]") || !strings.Contains(p, "editors of UNION") {
		t.Errorf("a POSTAL editor's union: %s", p)
	}
	// The partner may upsert its own union.
	own := csvFile([]string{"工会名称", "所属企业信用代码", "城市"}, []string{"山西顺丰工会", codeSF, "太原市"})
	if rep := importFile(t, st, svc, sf, transfer.Unions, transfer.CSV, own, transfer.Options{}); rep.Updated != 1 {
		t.Errorf("the partner's own union: %s", reportText(rep))
	}
}

// TestCSVWithBOMAndEnglishHeaders reads Excel's "CSV UTF-8" (a byte order
// mark) with English headers in any case, and a GB18030 CSV (Excel's "CSV"
// on a Chinese Windows).
func TestCSVWithBOMAndEnglishHeaders(t *testing.T) {
	st, svc := open(t)
	code := creditCode("91140100MA0K00009")
	file := []byte("\ufeffName,brand,CREDITCODE,regionCodes,outlets,figuresAsOf\r\n" +
		"山西圆通,圆通," + strings.ToLower(code) + ",\"太原市、140200,晋中\",12,2026/3/1\r\n")
	rep := importFile(t, st, svc, editor(domain.BodyPostal), transfer.Enterprises, transfer.CSV, file, transfer.Options{})
	if rep.Created != 1 {
		t.Fatalf("%s", reportText(rep))
	}
	got, _ := st.Enterprises.FindIn(context.Background(), "creditCode", []string{code}, nil, nil)
	if len(got) != 1 || got[0].Name != "山西圆通" || strings.Join(got[0].RegionCodes, ",") != "140100,140200,140700" ||
		*got[0].Outlets != 12 || !got[0].FiguresAsOf.Equal(*day("2026-03-01")) {
		t.Fatalf("stored = %s", mustJSON(got))
	}

	gb, err := simplifiedchinese.GB18030.NewEncoder().Bytes([]byte("企业名称,统一社会信用代码,品牌\r\n山西圆通速递," + code + ",圆通\r\n"))
	if err != nil {
		t.Fatal(err)
	}
	if rep := importFile(t, st, svc, editor(domain.BodyPostal), transfer.Enterprises, transfer.CSV, gb, transfer.Options{}); rep.Updated != 1 {
		t.Fatalf("GB18030: %s", reportText(rep))
	}
	got, _ = st.Enterprises.FindIn(context.Background(), "creditCode", []string{code}, nil, nil)
	if got[0].Name != "山西圆通速递" || *got[0].Outlets != 12 {
		t.Errorf("after the GB18030 file (which leaves outlets out, so they stay): %s", mustJSON(got[0]))
	}
}

// TestHeaderErrors: unknown headers are named; a file without its key
// column, or with a column twice, is refused whole.
func TestHeaderErrors(t *testing.T) {
	st, svc := loaded(t, fixture())
	before := snapshot(t, st)
	for _, c := range []struct {
		name   string
		format transfer.Format
		kind   transfer.Kind
		data   []byte
		want   []string
	}{
		{"unknown", transfer.CSV, transfer.Enterprises, csvFile([]string{"企业名称", "统一社会信用代码", "法人代表", "foo"}, []string{"x", codeSF, "y", "z"}),
			[]string{"未知的列", "“法人代表”", "“foo”", "统一社会信用代码(creditCode)"}},
		{"unknown in xlsx", transfer.XLSX, transfer.People, xlsxFile(t, []any{"姓名", "职务", "手机"}), []string{"未知的列", "“手机”"}},
		{"unknown in json", transfer.JSON, transfer.Figures, []byte(`[{"unionName": "x", "enterpriseCreditCode": null, "period": "2026-01", "memberz": 1}]`),
			[]string{"未知的键", "“memberz”"}},
		{"no key", transfer.CSV, transfer.Enterprises, csvFile([]string{"企业名称", "品牌"}, []string{"x", "y"}), []string{"缺少必需的列", "统一社会信用代码(creditCode)"}},
		{"no key for an activity", transfer.CSV, transfer.Activities, csvFile([]string{"名称", "日期"}, []string{"x", "2026-01-01"}),
			[]string{"缺少必需的列", "外部编号(externalId)", "组织单位(organiser)"}},
		{"twice", transfer.CSV, transfer.Unions, csvFile([]string{"工会名称", "所属企业信用代码", "name"}), []string{"出现了两次", "A", "C"}},
		{"not json", transfer.JSON, transfer.People, []byte(`{"name": "x"}`), []string{"JSON 文件应是对象的数组"}},
		{"not xlsx", transfer.XLSX, transfer.People, []byte("姓名,职务\n"), []string{"不是可读的 XLSX 文件"}},
	} {
		t.Run(c.name, func(t *testing.T) {
			_, err := transfer.Import(as(admin()), st, svc, c.kind, c.format, c.data, transfer.Options{})
			if !isFileError(err) {
				t.Fatalf("err = %v, want a file error", err)
			}
			for _, w := range c.want {
				if !strings.Contains(err.Error(), w) {
					t.Errorf("error %q does not say %q", err, w)
				}
			}
		})
	}
	if mustJSON(snapshot(t, st)) != mustJSON(before) {
		t.Error("a refused file changed the store")
	}
}

// TestPeopleAreMatchedByNameAndBodies: a person is updated when exactly one
// stored person has the row's name and the same set of bodies; none means a
// new person; several is a bad row. Masked contact details keep what is
// stored.
func TestPeopleAreMatchedByNameAndBodies(t *testing.T) {
	ds := fixture()
	ds.People = append(ds.People,
		domain.Person{ID: "p-wang1", Name: "王五", Titles: []domain.Title{{BodyID: "ASSOCIATION", Title: "副秘书长"}}, Record: rec()},
		domain.Person{ID: "p-wang2", Name: "王五", Titles: []domain.Title{{BodyID: "ASSOCIATION", Title: "干事"}}, Record: rec()})
	st, svc := loaded(t, ds)
	file := csvFile(
		[]string{"姓名", "职务", "电话"},
		[]string{"杨晓兰", "FEDERATION:党组成员、副主席；省信息业工会：主席", "138****8000"}, // 2: same person, masked phone
		[]string{"张三", "", ""},                      // 3: the 张三 without titles, unchanged
		[]string{"张三", "省信息业工会:副主席", "13700137000"}, // 4: the other 张三, new title and phone
		[]string{"李四", "省快递协会:秘书长", ""},             // 5: new
		[]string{"王五", "省快递协会:干事", ""},              // 6: two 王五 of ASSOCIATION
		[]string{"赵六", "省快递协会", ""},                 // 7: no title after the body
		[]string{"钱七", "省外办:主任", ""},                // 8: no such body
		[]string{"孙八", "", "139****0000"},           // 9: masked phone for a new person
	)
	rep := importFile(t, st, svc, admin(), transfer.People, transfer.CSV, file, transfer.Options{SkipBadRows: true})
	want := map[int]write.ReceiptStatus{2: write.Unchanged, 3: write.Unchanged, 4: write.Updated, 5: write.Created,
		6: write.Rejected, 7: write.Rejected, 8: write.Rejected, 9: write.Rejected}
	for _, r := range rep.Rows {
		if r.Status != want[r.Row] {
			t.Errorf("row %d: %s, want %s (%v)", r.Row, r.Status, want[r.Row], r.Problems)
		}
	}
	for row, msg := range map[int]string{6: "库中有 2 位“王五”", 7: "应写成 机构:职务", 8: "不是机构", 9: "打码"} {
		if !strings.Contains(problemsOf(rep, row), msg) {
			t.Errorf("row %d: %s, want %q", row, problemsOf(rep, row), msg)
		}
	}
	zhang, _ := st.People.ByIDs(context.Background(), []string{"p-zhang2", "p-yang"})
	if p := zhang["p-zhang2"]; deref(p.Phone) != "13700137000" || deref(p.Email) != "zhang@example.org" || p.Titles[0].Title != "副主席" {
		t.Errorf("the other 张三 = %s", mustJSON(p))
	}
	if p := zhang["p-yang"]; deref(p.Phone) != "13800138000" {
		t.Errorf("杨晓兰's phone = %q: a masked value must keep the stored one", deref(p.Phone))
	}
}

// TestExportMasksContactDetails: a key that may not see a person's contact
// details exports them masked, and re-importing the file keeps the stored
// ones; each unmasked reading is audited.
func TestExportMasksContactDetails(t *testing.T) {
	st, svc := loaded(t, fixture())
	postal := editor(domain.BodyPostal)
	data := export(t, st, svc, postal, transfer.People, transfer.CSV)
	text := string(data)
	for _, want := range []string{"0351-1234567", "138****8000", "y***@example.org", "z***@example.org"} {
		if !strings.Contains(text, want) {
			t.Errorf("the POSTAL editor's export does not hold %q:\n%s", want, text)
		}
	}
	reads := 0
	for _, r := range auditLog(t, st) {
		if r.Operation == "readPersonalData" {
			reads++
			if r.EntityID != "p-dong" || r.Actor.CredentialID != postal.ID {
				t.Errorf("audited reading %s", mustJSON(r))
			}
		}
	}
	if reads != 1 {
		t.Errorf("%d audited readings, want 1 (董刚's phone)", reads)
	}
	rep := importFile(t, st, svc, admin(), transfer.People, transfer.CSV, data, transfer.Options{})
	if rep.Unchanged != len(rep.Rows) {
		t.Errorf("re-importing the masked export: %s", reportText(rep))
	}
	if _, err := transfer.Export(context.Background(), st, write.New(st, auth.Policy{AnonymousReads: false}, nil), transfer.People, transfer.CSV, &bytes.Buffer{}); domain.CodeOf(err) != domain.CodeUnauthenticated {
		t.Errorf("an anonymous export with anonymous reads off: %v, want UNAUTHENTICATED", err)
	}
}

// TestUnionParentLaterInTheFile: a federation new in the file is written
// before the union under it, wherever it stands; parents that form a loop
// are refused.
func TestUnionParentLaterInTheFile(t *testing.T) {
	ds := fixture()
	st, svc := loaded(t, &seed.Dataset{Bodies: ds.Bodies, Enterprises: ds.Enterprises})
	file := csvFile(
		[]string{"工会名称", "类型", "所属企业信用代码", "上级工会", "城市"},
		[]string{"山西韵达工会", "", codeYD, "大同市快递行业工会联合会", "大同市"},
		[]string{"大同市快递行业工会联合会", "区域快递行业工会联合会", "", "", "大同市"},
	)
	rep := importFile(t, st, svc, editor(domain.BodyUnion), transfer.Unions, transfer.CSV, file, transfer.Options{})
	if rep.Created != 2 {
		t.Fatalf("%s", reportText(rep))
	}
	ids := map[int]string{}
	for _, r := range rep.Rows {
		ids[r.Row] = r.ID
	}
	u, _ := st.Unions.ByIDs(context.Background(), []string{ids[2]})
	if got := u[ids[2]]; deref(got.ParentID) != ids[3] || got.Kind != domain.UnionEnterprise {
		t.Errorf("山西韵达工会 = %s, want parent %s", mustJSON(got), ids[3])
	}
	loop := csvFile(
		[]string{"工会名称", "所属企业信用代码", "上级工会", "城市"},
		[]string{"甲联合会", "", "乙联合会", "太原市"},
		[]string{"乙联合会", "", "甲联合会", "大同市"},
		[]string{"丙联合会", "", "不存在的联合会", "阳泉市"},
	)
	rep = importFile(t, st, svc, editor(domain.BodyUnion), transfer.Unions, transfer.CSV, loop, transfer.Options{DryRun: true})
	if got := badRows(rep); !slices.Equal(got, []int{2, 3, 4}) || !strings.Contains(problemsOf(rep, 2), "循环") || !strings.Contains(problemsOf(rep, 4), "不存在的联合会") {
		t.Errorf("loop: bad rows %v\n%s", got, reportText(rep))
	}
}

// TestLookupsAreBatched: the look-ups of a file's references are one query
// per kind of record, whatever the number of rows.
func TestLookupsAreBatched(t *testing.T) {
	var cmds storetest.Commands
	st := db.Open(t, cmds.Monitor())
	if _, err := st.Load(context.Background(), fixture()); err != nil {
		t.Fatal(err)
	}
	svc := write.New(st, auth.Policy{}, nil)
	finds := func(kind transfer.Kind, rows [][]string) int {
		cmds.Start()
		importFile(t, st, svc, admin(), kind, transfer.CSV, csvFile(rows...), transfer.Options{DryRun: true})
		return cmds.Stop()["find"]
	}
	for _, c := range []struct {
		kind   transfer.Kind
		header []string
		row    func(i int) []string
	}{
		{transfer.Figures, []string{"工会名称", "所属企业信用代码", "期间", "会员数"},
			func(i int) []string {
				return []string{"山西顺丰工会", codeSF, fmt.Sprintf("2020-%02d", i%12+1), "1"}
			}},
		{transfer.Activities, []string{"外部编号", "类型", "名称", "组织单位", "日期", "参与企业信用代码", "参与工会", "所属计划", "任务序号"},
			func(i int) []string {
				return []string{fmt.Sprintf("X-%d", i), "其他", "x", "省总工会", "2026-01-01", codeSF + "、" + codeZT, "山西顺丰工会、快递员分会（" + codeZT + "）", "方案", "1"}
			}},
		{transfer.Unions, []string{"工会名称", "所属企业信用代码", "上级工会", "主席"},
			func(i int) []string {
				return []string{fmt.Sprintf("工会%d", i), codeSF, "太原市快递行业工会联合会", "张三（无职务）"}
			}},
		{transfer.People, []string{"姓名", "职务"}, func(i int) []string { return []string{fmt.Sprintf("人%d", i), "省总工会:委员"} }},
	} {
		few, many := [][]string{c.header}, [][]string{c.header}
		for i := range 30 {
			if i < 2 {
				few = append(few, c.row(i))
			}
			many = append(many, c.row(i))
		}
		if f, m := finds(c.kind, few), finds(c.kind, many); f != m || f > 8 {
			t.Errorf("%s: %d finds for 2 rows, %d for 30: want the same few", c.kind, f, m)
		}
	}
}

func TestProgress(t *testing.T) {
	st, svc := loaded(t, fixture())
	rows := [][]string{{"工会名称", "所属企业信用代码", "期间", "会员数"}}
	for i := range 5 {
		rows = append(rows, []string{"山西中通工会", codeZT, fmt.Sprintf("2025-%02d", i+1), "1"})
	}
	var calls []string
	importFile(t, st, svc, admin(), transfer.Figures, transfer.CSV, csvFile(rows...), transfer.Options{
		ProgressEvery: 2, Progress: func(done, total int) { calls = append(calls, fmt.Sprintf("%d/%d", done, total)) }})
	if got := strings.Join(calls, " "); got != "2/5 4/5 5/5" {
		t.Errorf("progress = %q", got)
	}
}

// TestActivityTaskAndJSON: an activity names its task by the plan's title
// and the task's number; JSON files take numbers as numbers and lists as
// arrays.
func TestActivityTaskAndJSON(t *testing.T) {
	ds, err := seed.JointMeeting()
	if err != nil {
		t.Fatal(err)
	}
	ds.Enterprises[1].CreditCode = ptr(codeSF) // 山西顺丰
	st, svc := loaded(t, ds)
	file := []byte(`[
	  {"externalId": "SF-9", "kind": "SKILLS_TRAINING", "title": "技能培训", "organiser": "UNION", "date": "2026-03-02",
	   "enterpriseCreditCodes": ["` + codeSF + `"], "unionNames": ["山西顺丰工会"], "participantCount": 40,
	   "planTitle": "2026年三方联合工作方案", "taskNumber": 3},
	  {"externalId": "SF-10", "kind": "技能培训", "title": "x", "organiser": "省信息业工会", "date": "2026-03-02",
	   "planTitle": "2026年三方联合工作方案", "taskNumber": 99, "participantCount": [1]}
	]`)
	rep := importFile(t, st, svc, partner(ds.Enterprises[1].ID), transfer.Activities, transfer.JSON, file, transfer.Options{SkipBadRows: true})
	if rep.Created != 1 || !strings.Contains(problemsOf(rep, 2), "没有序号为 99 的任务") || !strings.Contains(problemsOf(rep, 2), "不能是数组") {
		t.Fatalf("%s", reportText(rep))
	}
	a, _ := st.Activities.FindIn(context.Background(), "externalId", []string{"SF-9"}, nil, nil)
	var task3 string
	for _, task := range ds.Tasks {
		if task.Number == 3 {
			task3 = task.ID
		}
	}
	if len(a) != 1 || deref(a[0].TaskID) != task3 || *a[0].ParticipantCount != 40 || a[0].UnionIDs[0] != "union-sf" {
		t.Fatalf("stored activity = %s", mustJSON(a))
	}
	var back []map[string]any
	if err := json.Unmarshal(export(t, st, svc, admin(), transfer.Activities, transfer.JSON), &back); err != nil {
		t.Fatal(err)
	}
	if len(back) != 1 || back[0]["planTitle"] != "2026年三方联合工作方案" || back[0]["taskNumber"] != "3" || back[0]["participantCount"] != 40.0 {
		t.Errorf("exported = %s", mustJSON(back))
	}
}

// TestTemplates: a template has the headers (and in XLSX the 说明 sheet
// explaining every column) and imports as nothing.
func TestTemplates(t *testing.T) {
	st, svc := open(t)
	for _, kind := range transfer.Kinds {
		var x bytes.Buffer
		if err := transfer.WriteTemplate(&x, kind, transfer.XLSX); err != nil {
			t.Fatal(err)
		}
		f, err := excelize.OpenReader(&x)
		if err != nil {
			t.Fatal(err)
		}
		if got := f.GetSheetList(); !slices.Equal(got, []string{kind.SheetName(), transfer.HelpSheet}) {
			t.Errorf("%s: sheets %v", kind, got)
		}
		rows, _ := f.GetRows(kind.SheetName())
		help, _ := f.GetRows(transfer.HelpSheet)
		f.Close()
		var headers []string
		for i, c := range transfer.Columns(kind) {
			headers = append(headers, c.Header)
			if help[i+1][0] != c.Header || help[i+1][1] != c.Alias || help[i+1][3] != c.Help {
				t.Errorf("%s: 说明 row %d = %v", kind, i+2, help[i+1])
			}
		}
		if len(rows) != 1 || !slices.Equal(rows[0], headers) {
			t.Errorf("%s: template rows %v, want the headers %v", kind, rows, headers)
		}
		for _, format := range transfer.Formats {
			var buf bytes.Buffer
			if err := transfer.WriteTemplate(&buf, kind, format); err != nil {
				t.Fatal(err)
			}
			rep, err := transfer.Import(as(admin()), st, svc, kind, format, buf.Bytes(), transfer.Options{DryRun: true})
			if err != nil {
				t.Fatalf("%s %s template: %v", kind, format, err)
			}
			if format != transfer.JSON && len(rep.Rows) != 0 {
				t.Errorf("%s %s template has %d rows", kind, format, len(rep.Rows))
			}
		}
	}
}

// TestXLSXRowNumbers: rows are numbered as the spreadsheet numbers them,
// blank rows included, and a cell under no header is a problem of its row.
func TestXLSXRowNumbers(t *testing.T) {
	st, svc := loaded(t, fixture())
	file := xlsxFile(t,
		[]any{"工会名称", "所属企业信用代码", "期间", "会员数"},
		[]any{"山西顺丰工会", codeSF, "2026-05", 1},
		[]any{},
		[]any{"山西顺丰工会", codeSF, "2026-13", 1},
		[]any{"山西顺丰工会", codeSF, "2026-06", 1, "", "多出来的"},
	)
	rep := importFile(t, st, svc, admin(), transfer.Figures, transfer.XLSX, file, transfer.Options{DryRun: true})
	if got := badRows(rep); !slices.Equal(got, []int{4, 5}) || !strings.Contains(problemsOf(rep, 5), "第 F 列有内容“多出来的”") {
		t.Errorf("bad rows %v\n%s", got, reportText(rep))
	}
}
