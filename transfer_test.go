package main

import (
	"bytes"
	"context"
	"fmt"
	"os"
	"path/filepath"
	"regexp"
	"slices"
	"strings"
	"testing"

	"github.com/xuri/excelize/v2"

	"sanfang/internal/domain"
	"sanfang/internal/transfer"
)

// cli runs sanfang as a user would, on one data directory.
type cli struct {
	t   *testing.T
	env map[string]string
	dir string
}

func newCLI(t *testing.T) *cli {
	env := map[string]string{"SANFANG_DATA_DIR": t.TempDir(), "SANFANG_SEED_DATA": "false", "SANFANG_LOG_LEVEL": "warn"}
	return &cli{t: t, env: env, dir: t.TempDir()}
}

// run runs the command and returns its standard output and error and its
// error (a non-zero exit status).
func (c *cli) run(args ...string) (string, string, error) {
	c.t.Helper()
	var out, errOut bytes.Buffer
	err := run(context.Background(), args, func(k string) string { return c.env[k] }, &out, &errOut)
	return out.String(), errOut.String(), err
}

// must runs the command and fails the test if it fails.
func (c *cli) must(args ...string) (string, string) {
	c.t.Helper()
	out, errOut, err := c.run(args...)
	if err != nil {
		c.t.Fatalf("sanfang %s: %v\n%s\n%s", strings.Join(args, " "), err, out, errOut)
	}
	return out, errOut
}

func (c *cli) key(args ...string) string {
	c.t.Helper()
	out, _ := c.must(append([]string{"apikey", "create"}, args...)...)
	key := regexp.MustCompile(`sfk_[0-9a-f]+_[0-9a-f]+`).FindString(out)
	if key == "" {
		c.t.Fatalf("apikey create printed no key: %q", out)
	}
	return key
}

// file writes a file into the command's working directory and returns its path.
func (c *cli) file(name, content string) string {
	c.t.Helper()
	p := filepath.Join(c.dir, name)
	if err := os.WriteFile(p, []byte(content), 0o644); err != nil {
		c.t.Fatal(err)
	}
	return p
}

func (c *cli) read(path string) string {
	c.t.Helper()
	b, err := os.ReadFile(path)
	if err != nil {
		c.t.Fatal(err)
	}
	return string(b)
}

func validCode(first17 string) string {
	ch, err := domain.CreditCodeCheckChar(first17)
	if err != nil {
		panic(err)
	}
	return first17 + string(ch)
}

// TestImportAndExportCommands drives "sanfang import" and "sanfang export"
// as a person would: files of every kind into a store without seed data,
// a dry run and a real run of a file with bad rows, progress and the exit
// status, then export → import into a second empty store, whose exports
// are the same files.
func TestImportAndExportCommands(t *testing.T) {
	a := newCLI(t)
	adminKey := a.key("--name", "importer", "--role", "admin")
	sf, zt := validCode("91140100MA0K00001"), validCode("91140100MA0K00002")

	// Excel's "CSV UTF-8" with English headers.
	ents := a.file("enterprises.csv", "\ufeffname,brand,creditCode,regionCodes,outlets\r\n"+
		"山西顺丰,顺丰,"+sf+",\"太原市、晋中市\",120\r\n"+
		"山西中通,中通,"+zt+",140100,\r\n")
	out, _ := a.must("import", "--kind", "enterprises", "--key", adminKey, ents)
	if !strings.Contains(out, "新建 2") {
		t.Errorf("import of enterprises printed %q", out)
	}
	people := a.file("people.csv", "姓名,职务,电话\n杨晓兰,省总工会:党组成员、副主席；省信息业工会:主席,13800138000\n")
	a.must("import", people, "--kind", "people", "--key", adminKey)
	unions := a.file("unions.csv", "工会名称,类型,所属企业信用代码,上级工会,城市,主席\n"+
		"山西顺丰工会,企业工会,"+sf+",太原市快递行业工会联合会,太原市,杨晓兰\n"+
		"太原市快递行业工会联合会,区域快递行业工会联合会,,,太原市,\n"+
		"山西中通工会,,"+zt+",,,\n")
	a.env["SANFANG_API_KEY"] = adminKey // the key from the environment
	a.must("import", "--kind", "unions", unions)
	delete(a.env, "SANFANG_API_KEY")

	// Progress on standard error (every 100 rows unless --progress says).
	var figs strings.Builder
	figs.WriteString("工会名称,所属企业信用代码,期间,职工数,会员数\n")
	for i := range 5 {
		fmt.Fprintf(&figs, "山西顺丰工会,%s,2026-%02d,%d,%d\n", sf, i+1, 1000+i, 900+i)
	}
	out, errOut := a.must("import", "--kind", "figures", "--key", adminKey, "--progress", "2", a.file("figures.csv", figs.String()))
	if !strings.Contains(errOut, "导入 2/5 …\n导入 4/5 …\n导入 5/5 …") || !strings.Contains(out, "新建 5") {
		t.Errorf("figures: progress %q, report %q", errOut, out)
	}

	// A file with bad rows: the dry run lists them and fails, writing
	// nothing; the real run writes nothing either; --skip-bad-rows writes
	// the good rows and still fails.
	before, _ := a.must("export", "--kind", "activities", "--format", "json")
	bad := a.file("activities.csv", "外部编号,类型,名称,组织单位,日期,参与企业信用代码\n"+
		"A-1,劳动竞赛,快递员劳动竞赛,省信息业工会,2026-04-01,"+sf+"\n"+
		"A-2,竞赛,错误的类型,省信息业工会,2026-04-02,\n"+
		"A-3,其他,没有的企业,省信息业工会,2026-04-03,"+validCode("91140100MA0K00009")+"\n"+
		"A-4,其他,好的,省总工会,2026/4/4,"+zt+"\n")
	out, _, err := a.run("import", "--kind", "activities", "--key", adminKey, "--dry-run", bad)
	if err == nil || !strings.Contains(out, "第 3 行") || !strings.Contains(out, "第 4 行") || strings.Contains(out, "第 2 行") ||
		!strings.Contains(out, "类型(kind)") || !strings.Contains(out, "试运行") {
		t.Errorf("dry run: err %v, report\n%s", err, out)
	}
	out, _, err = a.run("import", "--kind", "activities", "--key", adminKey, bad)
	if err == nil || !strings.Contains(err.Error(), "nothing was written") || !strings.Contains(out, "--skip-bad-rows") {
		t.Errorf("real run of a bad file: err %v, report\n%s", err, out)
	}
	if after, _ := a.must("export", "--kind", "activities", "--format", "json"); after != before {
		t.Errorf("a refused file wrote activities:\n%s", after)
	}
	out, _, err = a.run("import", "--kind", "activities", "--key", adminKey, "--skip-bad-rows", bad)
	if err == nil || !strings.Contains(err.Error(), "2 of 4 rows were rejected") || !strings.Contains(out, "新建 2") {
		t.Errorf("--skip-bad-rows: err %v, report\n%s", err, out)
	}

	// Header and credential problems stop the command.
	if _, _, err := a.run("import", "--kind", "people", "--key", adminKey, a.file("p.csv", "姓名,职务,微信\n")); err == nil || !strings.Contains(err.Error(), "“微信”") {
		t.Errorf("unknown header: %v", err)
	}
	if _, _, err := a.run("import", "--kind", "people", people); err == nil || !strings.Contains(err.Error(), "--key") {
		t.Errorf("no key: %v", err)
	}
	if _, _, err := a.run("import", "--kind", "people", "--key", "sfk_0000000000000000_"+strings.Repeat("0", 64), people); err == nil || !strings.Contains(err.Error(), "refused") {
		t.Errorf("unknown key: %v", err)
	}
	postalKey := a.key("--name", "postal-staff", "--role", "editor", "--body", "POSTAL")
	if out, _, err := a.run("import", "--kind", "unions", "--key", postalKey, "--dry-run", unions); err == nil || !strings.Contains(out, "only editors of UNION") {
		t.Errorf("a POSTAL editor's unions: %v\n%s", err, out)
	}

	// Export every kind (format from the extension), import into an empty
	// store in order: the second store's exports are the same files.
	b := newCLI(t)
	bKey := b.key("--name", "importer", "--role", "admin")
	for _, format := range []string{"json", "xlsx", "csv"} {
		for _, kind := range transfer.Kinds {
			path := filepath.Join(a.dir, string(kind)+"-export."+format)
			a.must("export", "--kind", string(kind), "--key", adminKey, "--out", path)
			if format != "json" {
				continue
			}
			out, _ := b.must("import", "--kind", string(kind), "--key", bKey, path)
			if !strings.Contains(out, "拒绝 0") {
				t.Errorf("import of the exported %s: %s", kind, out)
			}
		}
	}
	for _, kind := range transfer.Kinds {
		want := a.read(filepath.Join(a.dir, string(kind)+"-export.json"))
		got, _ := b.must("export", "--kind", string(kind), "--key", bKey, "--format", "json")
		if got != want {
			t.Errorf("%s after export → import:\n%s\nwant\n%s", kind, got, want)
		}
		// The XLSX and CSV exports import too, and change nothing.
		for _, format := range []string{"xlsx", "csv"} {
			out, _ := b.must("import", "--kind", string(kind), "--key", bKey, filepath.Join(a.dir, string(kind)+"-export."+format))
			if !strings.Contains(out, "新建 0，更新 0") {
				t.Errorf("re-importing the %s %s export: %s", kind, format, out)
			}
		}
	}
}

// TestCommittedTemplatesAreCurrent: the templates in templates/ are what
// "sanfang export --template" writes today (XLSX compared by the cells of
// every sheet, not by bytes). Regenerate them with
//
//	for k in enterprises unions figures activities people; do
//	  for f in xlsx csv; do go run . export --template --kind $k --out templates/$k.$f; done
//	done
func TestCommittedTemplatesAreCurrent(t *testing.T) {
	c := newCLI(t)
	for _, kind := range transfer.Kinds {
		for _, format := range []string{"csv", "xlsx"} {
			name := string(kind) + "." + format
			path := filepath.Join(c.dir, name)
			c.must("export", "--template", "--kind", string(kind), "--out", path)
			committed, err := os.ReadFile(filepath.Join("templates", name))
			if err != nil {
				t.Errorf("templates/%s: %v (generate it with: go run . export --template --kind %s --out templates/%s)", name, err, kind, name)
				continue
			}
			fresh := []byte(c.read(path))
			if format == "csv" {
				if !bytes.Equal(committed, fresh) {
					t.Errorf("templates/%s is stale:\n%s\nwant\n%s", name, committed, fresh)
				}
				continue
			}
			if got, want := workbookCells(t, committed), workbookCells(t, fresh); !slices.EqualFunc(got, want, slices.Equal) {
				t.Errorf("templates/%s is stale:\n%q\nwant\n%q", name, got, want)
			}
		}
	}
	// A template imports as nothing.
	key := c.key("--name", "importer", "--role", "admin")
	out, _ := c.must("import", "--kind", "figures", "--key", key, filepath.Join("templates", "figures.xlsx"))
	if !strings.Contains(out, "共 0 行") {
		t.Errorf("importing the figures template: %s", out)
	}
}

// workbookCells lists every sheet of a workbook as "sheet!row: cells" lines.
func workbookCells(t *testing.T, data []byte) [][]string {
	t.Helper()
	f, err := excelize.OpenReader(bytes.NewReader(data))
	if err != nil {
		t.Fatal(err)
	}
	defer f.Close()
	var out [][]string
	for _, sheet := range f.GetSheetList() {
		rows, err := f.GetRows(sheet)
		if err != nil {
			t.Fatal(err)
		}
		for i, r := range rows {
			out = append(out, append([]string{fmt.Sprintf("%s!%d", sheet, i+1)}, r...))
		}
	}
	return out
}
