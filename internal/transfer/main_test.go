package transfer_test

import (
	"bytes"
	"context"
	"encoding/csv"
	"encoding/json"
	"errors"
	"fmt"
	"slices"
	"strings"
	"testing"
	"time"

	"github.com/xuri/excelize/v2"
	"go.mongodb.org/mongo-driver/v2/bson"

	"sanfang/internal/auth"
	"sanfang/internal/domain"
	"sanfang/internal/seed"
	"sanfang/internal/store"
	"sanfang/internal/storetest"
	"sanfang/internal/transfer"
	"sanfang/internal/write"
)

// db is the one embedded database this package's tests share; each test
// opens its own store (its own database names) on it.
var db *storetest.Server

func TestMain(m *testing.M) { storetest.Main(m, &db) }

func ptr[T any](v T) *T { return &v }

func day(s string) *time.Time {
	t, err := time.Parse(time.DateOnly, s)
	if err != nil {
		panic(err)
	}
	return &t
}

// creditCode makes a valid credit code from 17 characters.
func creditCode(first17 string) string {
	c, err := domain.CreditCodeCheckChar(first17)
	if err != nil {
		panic(err)
	}
	return first17 + string(c)
}

var (
	codeSF = creditCode("91140100MA0K00001")
	codeZT = creditCode("91140100MA0K00002")
	codeYD = creditCode("91140100MA0K00003")
)

func admin() *auth.Principal {
	return &auth.Principal{Kind: auth.PrincipalAPIKey, ID: "key-admin", Name: "admin", Role: auth.RoleAdmin}
}

func editor(body domain.BodyCode) *auth.Principal {
	return &auth.Principal{Kind: auth.PrincipalAPIKey, ID: "key-" + strings.ToLower(string(body)), Name: string(body) + " editor",
		Role: auth.RoleEditor, Body: body}
}

func partner(enterprise string) *auth.Principal {
	return &auth.Principal{Kind: auth.PrincipalAPIKey, ID: "key-partner-" + enterprise, Name: "partner " + enterprise,
		Role: auth.RolePartner, EnterpriseID: enterprise}
}

func rec() domain.Record {
	at := time.Date(2026, 1, 5, 0, 0, 0, 0, time.UTC)
	return domain.Record{Version: 1, CreatedAt: at, UpdatedAt: at, Provenance: domain.Provenance{Basis: domain.BasisStated, Source: "fixture"}}
}

// fixture is a small data set that sets every field of every kind at
// least once and leaves every optional one empty at least once, with the
// cases natural keys make hard: two unions of one name (under different
// enterprises), two people of one name (told apart by their bodies), a
// federation and the union under it, an activity without an external id.
func fixture() *seed.Dataset {
	ds, err := seed.JointMeeting()
	if err != nil {
		panic(err)
	}
	return &seed.Dataset{
		Bodies: ds.Bodies,
		Enterprises: []domain.Enterprise{
			{ID: "ent-sf", Name: "山西顺丰", LegalName: ptr("山西顺丰速运有限公司"), Brand: "顺丰", BrandEn: "SF Express", CreditCode: ptr(codeSF),
				RegionCodes: []string{"140100", "140700"}, Outlets: ptr(120), Couriers: ptr(900), Employees: ptr(1200), FiguresAsOf: day("2026-03-31"), Record: rec()},
			{ID: "ent-zt", Name: "山西中通", Brand: "中通", CreditCode: ptr(codeZT), RegionCodes: []string{}, Record: rec()},
			{ID: "ent-yd", Name: "山西韵达", Brand: "韵达", BrandEn: "Yunda", CreditCode: ptr(codeYD), RegionCodes: []string{"140200"}, Outlets: ptr(0), Record: rec()},
		},
		People: []domain.Person{
			{ID: "p-yang", Name: "杨晓兰", Titles: []domain.Title{{BodyID: "FEDERATION", Title: "党组成员、副主席"}, {BodyID: "UNION", Title: "主席"}},
				Phone: ptr("13800138000"), Email: ptr("yang@example.org"), Record: rec()},
			{ID: "p-dong", Name: "董刚", Titles: []domain.Title{{BodyID: "POSTAL", Title: "党组书记、局长"}}, Phone: ptr("0351-1234567"), Record: rec()},
			{ID: "p-zhang", Name: "张三", Titles: []domain.Title{}, Record: rec()},
			{ID: "p-zhang2", Name: "张三", Titles: []domain.Title{{BodyID: "UNION", Title: "干事"}}, Email: ptr("zhang@example.org"), Record: rec()},
		},
		Unions: []domain.Union{
			{ID: "u-ty", Name: "太原市快递行业工会联合会", Kind: domain.UnionRegionalFederation, RegionCodes: []string{"140100"},
				FoundedOn: day("2025-05-01"), ChairID: ptr("p-zhang"), Record: rec()},
			{ID: "u-sf", Name: "山西顺丰工会", Kind: domain.UnionEnterprise, EnterpriseID: ptr("ent-sf"), ParentID: ptr("u-ty"),
				RegionCodes: []string{"140100", "140700"}, FoundedOn: day("2025-06-01"), ChairID: ptr("p-yang"), Record: rec()},
			{ID: "u-zt", Name: "山西中通工会", Kind: domain.UnionEnterprise, EnterpriseID: ptr("ent-zt"), RegionCodes: []string{}, Record: rec()},
			{ID: "u-sf-kd", Name: "快递员分会", Kind: domain.UnionEnterprise, EnterpriseID: ptr("ent-sf"), RegionCodes: []string{"140100"}, ChairID: ptr("p-zhang2"), Record: rec()},
			{ID: "u-zt-kd", Name: "快递员分会", Kind: domain.UnionEnterprise, EnterpriseID: ptr("ent-zt"), RegionCodes: []string{}, Record: rec()},
		},
		Figures: []domain.MembershipFigures{
			{ID: "f-1", UnionID: "u-sf", Period: "2026-03", Employees: ptr(1200), Couriers: ptr(900), Members: ptr(1000), CourierMembers: ptr(800), Record: rec()},
			{ID: "f-2", UnionID: "u-sf", Period: "2026-04", Employees: ptr(1210), Record: rec()},
			{ID: "f-3", UnionID: "u-ty", Period: "2026-03", Members: ptr(50), Record: rec()},
			{ID: "f-4", UnionID: "u-zt", Period: "2026-03", Employees: ptr(400), Members: ptr(0), Record: rec()},
		},
		Activities: []domain.Activity{
			{ID: "a-1", ExternalID: ptr("EXT-1"), Kind: domain.ActivityLabourCompetition, Title: "2026年太原市快递员劳动竞赛", OrganiserBodyID: "UNION",
				Date: *day("2026-04-01"), EndDate: day("2026-04-30"), RegionCode: ptr("140100"), EnterpriseIDs: []string{"ent-sf", "ent-zt"},
				UnionIDs: []string{"u-sf", "u-sf-kd"}, ParticipantCount: ptr(300), Record: rec()},
			{ID: "a-2", Kind: domain.ActivityCareService, Title: "夏送清凉", OrganiserBodyID: "FEDERATION", Date: *day("2026-07-01"),
				EnterpriseIDs: []string{}, UnionIDs: []string{}, Record: rec()},
			{ID: "a-3", ExternalID: ptr("EXT-3"), Kind: domain.ActivityOther, Title: "安全生产宣讲", OrganiserBodyID: "POSTAL", Date: *day("2026-05-10"),
				EnterpriseIDs: []string{"ent-sf"}, UnionIDs: []string{"u-zt-kd", "u-ty"}, ParticipantCount: ptr(0), Record: rec()},
		},
	}
}

// open opens a store on fresh databases and a write service over it.
func open(t *testing.T) (*store.Store, *write.Service) {
	t.Helper()
	st := db.Open(t, nil)
	return st, write.New(st, auth.Policy{}, nil)
}

// loaded opens a store holding ds.
func loaded(t *testing.T, ds *seed.Dataset) (*store.Store, *write.Service) {
	t.Helper()
	st, svc := open(t)
	if _, err := st.Load(context.Background(), ds); err != nil {
		t.Fatal(err)
	}
	return st, svc
}

func as(p *auth.Principal) context.Context { return auth.WithPrincipal(context.Background(), p) }

// importFile imports data as p and fails the test on an error that is not
// a file error.
func importFile(t *testing.T, st *store.Store, svc *write.Service, p *auth.Principal, kind transfer.Kind, format transfer.Format, data []byte, opts transfer.Options) *transfer.Report {
	t.Helper()
	rep, err := transfer.Import(as(p), st, svc, kind, format, data, opts)
	if err != nil {
		t.Fatalf("import %s (%s): %v", kind, format, err)
	}
	return rep
}

func export(t *testing.T, st *store.Store, svc *write.Service, p *auth.Principal, kind transfer.Kind, format transfer.Format) []byte {
	t.Helper()
	var buf bytes.Buffer
	if _, err := transfer.Export(as(p), st, svc, kind, format, &buf); err != nil {
		t.Fatalf("export %s (%s): %v", kind, format, err)
	}
	return buf.Bytes()
}

// csvFile makes a CSV file from rows of cells.
func csvFile(rows ...[]string) []byte {
	var buf bytes.Buffer
	w := csv.NewWriter(&buf)
	w.WriteAll(rows)
	return buf.Bytes()
}

// xlsxFile makes an XLSX file whose first sheet holds the cells (strings,
// or numbers as numbers).
func xlsxFile(t *testing.T, rows ...[]any) []byte {
	t.Helper()
	f := excelize.NewFile()
	defer f.Close()
	for i, r := range rows {
		cell, _ := excelize.CoordinatesToCellName(1, i+1)
		if err := f.SetSheetRow("Sheet1", cell, &r); err != nil {
			t.Fatal(err)
		}
	}
	var buf bytes.Buffer
	if _, err := f.WriteTo(&buf); err != nil {
		t.Fatal(err)
	}
	return buf.Bytes()
}

// snapshot is every stored document of the collections an import writes
// and of the bodies, as JSON, with every field (ids, versions, times).
func snapshot(t *testing.T, st *store.Store) map[string][]string {
	t.Helper()
	ctx := context.Background()
	out := map[string][]string{}
	for _, c := range []struct {
		part store.Part
		name string
	}{{store.Joint, "bodies"}, {store.Joint, "people"}, {store.Postal, "enterprises"}, {store.Union, "unions"},
		{store.Union, "membershipFigures"}, {store.Union, "activities"}} {
		cur, err := st.Database(c.part).Collection(c.name).Find(ctx, bson.D{})
		if err != nil {
			t.Fatal(err)
		}
		var docs []bson.D
		if err := cur.All(ctx, &docs); err != nil {
			t.Fatal(err)
		}
		for _, d := range docs {
			b, err := bson.MarshalExtJSON(d, true, false)
			if err != nil {
				t.Fatal(err)
			}
			out[c.name] = append(out[c.name], string(b))
		}
		slices.Sort(out[c.name])
	}
	return out
}

func auditLog(t *testing.T, st *store.Store) []domain.AuditRecord {
	t.Helper()
	recs, err := st.AuditAfter(context.Background(), 0, 100000)
	if err != nil {
		t.Fatal(err)
	}
	return recs
}

// badRows lists the numbers of the report's rows that have problems.
func badRows(rep *transfer.Report) []int {
	var out []int
	for _, r := range rep.Rows {
		if len(r.Problems) > 0 {
			out = append(out, r.Row)
		}
	}
	return out
}

// problemsOf is a row's problems as "column: message" lines.
func problemsOf(rep *transfer.Report, row int) string {
	var lines []string
	for _, r := range rep.Rows {
		if r.Row == row {
			for _, p := range r.Problems {
				lines = append(lines, fmt.Sprintf("%s: %s [%s]", p.Column, p.Message, p.Code))
			}
		}
	}
	return strings.Join(lines, "\n")
}

func statuses(rep *transfer.Report) map[write.ReceiptStatus]int {
	m := map[write.ReceiptStatus]int{}
	for _, r := range rep.Rows {
		m[r.Status]++
	}
	return m
}

func reportText(rep *transfer.Report) string {
	var b strings.Builder
	rep.WriteText(&b)
	return b.String()
}

func isFileError(err error) bool {
	var fe *transfer.FileError
	return errors.As(err, &fe)
}

func mustJSON(v any) string {
	b, err := json.MarshalIndent(v, "", " ")
	if err != nil {
		panic(err)
	}
	return string(b)
}
