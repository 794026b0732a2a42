package transfer

import (
	"bytes"
	"encoding/csv"
	"errors"
	"strconv"
	"strings"
	"testing"
	"unicode/utf8"

	"sanfang/internal/domain"
)

// The fuzz tests of this package are in package transfer (the package's
// other tests are transfer_test) because the readers are unexported. They
// read one file's bytes into rows, without a store. The package's TestMain
// still starts its embedded database; these tests do not use it. Run one
// with
// go test ./internal/transfer -run '^$' -fuzz '^FuzzReadCSV$' -parallel 1.

func fuzzKind(k uint8) Kind { return Kinds[int(k)%len(Kinds)] }

// checkSheet checks what any reader gives: a *FileError, or rows numbered
// upwards from first, each with the file's columns of the kind and a label.
func checkSheet(t *testing.T, kind Kind, format Format, sh *sheet, err error, data []byte) {
	t.Helper()
	if err != nil {
		var fe *FileError
		if !errors.As(err, &fe) || fe.Message == "" {
			t.Fatalf("read %s %q: %#v, want a *FileError", format, data, err)
		}
		if sh != nil {
			t.Fatalf("read %s %q: an error and a sheet", format, data)
		}
		return
	}
	if sh == nil || sh.kind != kind || sh.format != format {
		t.Fatalf("read %s %q: sheet %+v", format, data, sh)
	}
	last := 0
	for _, r := range sh.rows {
		if r.num <= last || r.label == "" || r.vals == nil {
			t.Fatalf("read %s %q: row %+v after row %d", format, data, r, last)
		}
		last = r.num
		for c := range r.vals {
			if c.Kind != kind {
				t.Fatalf("read %s %q: row %d has a column of %s", format, data, r.num, c.Kind)
			}
			_ = r.text(c)
			_ = r.list(c)
		}
		for _, p := range r.probs {
			if p.Message == "" || p.Code != codeInput {
				t.Fatalf("read %s %q: row %d problem %+v", format, data, r.num, p)
			}
		}
	}
}

// FuzzReadCSV: any bytes read as a CSV file of any kind give a *FileError
// or rows (see checkSheet), never a panic.
func FuzzReadCSV(f *testing.F) {
	f.Add(uint8(0), []byte("企业名称,品牌,统一社会信用代码\n山西顺丰,顺丰,91350100M000100Y43\n"))
	f.Add(uint8(0), []byte("\ufeffname,brand,creditCode*,\n\n\"a\nb\",c,\"d\"\"\"\n,,,x\n"))
	f.Add(uint8(1), []byte("name\tkind\tenterpriseCreditCode\nA\t企业工会\t\n"))
	f.Add(uint8(2), []byte{0xFF, 0xFE, 'u', 0, 'n', 0, 'i', 0, 0x0a, 0})
	f.Add(uint8(3), []byte{0xFE, 0xFF, 0, 'x'})
	f.Add(uint8(4), []byte{0xd0, 0xd5, 0xc3, 0xfb, ',', 0xd6, 0xb0, 0xce, 0xf1, '\n', 0x81})
	f.Add(uint8(0), []byte("name,name\n"))
	f.Add(uint8(0), []byte("a\"b,c\n\"unterminated"))
	f.Add(uint8(0), []byte(""))
	f.Add(uint8(0), []byte("\r\n\r\n"))
	f.Fuzz(func(t *testing.T, k uint8, data []byte) {
		kind := fuzzKind(k)
		sh, err := readFile(kind, CSV, data)
		checkSheet(t, kind, CSV, sh, err, data)
	})
}

// FuzzCSVRoundTrip: the cells of rows that encoding/csv writes under a
// kind's headers are read back as written, on the rows a spreadsheet
// numbers them (2, 3, …), however many line breaks the cells hold; a row
// of blank cells is skipped.
func FuzzCSVRoundTrip(f *testing.F) {
	f.Add(uint8(0), "山西顺丰|顺丰|91350100M000100Y43\x1e|||\x1ea\nb|\"q\"|, x")
	f.Add(uint8(4), "张三|省总工会:主席；省邮政管理局:局长|13800138000|z@x.org")
	f.Add(uint8(3), "\t|\u3000|\n\n\x1e x \x1e")
	f.Add(uint8(1), "")
	f.Fuzz(func(t *testing.T, k uint8, s string) {
		if !utf8.ValidString(s) || strings.ContainsAny(s, "\r\ufeff") {
			return // not UTF-8 is read as GB18030; csv drops \r before \n
		}
		kind := fuzzKind(k)
		cols := Columns(kind)
		var buf bytes.Buffer
		w := csv.NewWriter(&buf)
		header := make([]string, len(cols))
		for i, c := range cols {
			header[i] = c.Header
		}
		w.Write(header)
		var rows [][]string
		for _, line := range strings.Split(s, "\x1e") {
			cells := make([]string, len(cols))
			copy(cells, strings.Split(line, "|"))
			w.Write(cells)
			rows = append(rows, cells)
		}
		w.Flush()
		sh, err := readFile(kind, CSV, buf.Bytes())
		if err != nil {
			t.Fatalf("read back %q: %v", buf.Bytes(), err)
		}
		var want []int
		for i, cells := range rows {
			for _, c := range cells {
				if clean(c) != "" {
					want = append(want, i)
					break
				}
			}
		}
		if len(sh.rows) != len(want) {
			t.Fatalf("wrote %q, read %d rows, want %d", buf.Bytes(), len(sh.rows), len(want))
		}
		for j, i := range want {
			r := sh.rows[j]
			if r.num != i+2 || len(r.probs) > 0 {
				t.Fatalf("wrote %q: data row %d read as row %d (%+v)", buf.Bytes(), i+1, r.num, r.probs)
			}
			for ci, c := range cols {
				if got := r.vals[c].text; got != rows[i][ci] {
					t.Fatalf("wrote %q: row %d column %s read as %q, want %q", buf.Bytes(), r.num, c.Alias, got, rows[i][ci])
				}
			}
		}
	})
}

// FuzzReadJSON: any bytes read as a JSON file of any kind give a
// *FileError or rows numbered 1, 2, … (see checkSheet).
func FuzzReadJSON(f *testing.F) {
	f.Add(uint8(0), []byte(`[{"name":"山西顺丰","brand":"顺丰","creditCode":"91350100M000100Y43","regionCodes":["太原市",140200],"outlets":10}]`))
	f.Add(uint8(0), []byte("\ufeff[{\"creditCode\":null,\"regionCodes\":[{}]}, {}]"))
	f.Add(uint8(4), []byte(`[{"name":"张三","titles":["省总工会:主席"],"phone":1.5e300}]`))
	f.Add(uint8(1), []byte(`[{"name":"A","unknown":1}]`))
	f.Add(uint8(2), []byte(`[] []`))
	f.Add(uint8(3), []byte(`{"title":"x"}`))
	f.Add(uint8(3), []byte(`[{"title":["a"]}]`))
	f.Add(uint8(0), []byte(`[`))
	f.Add(uint8(0), []byte(``))
	f.Fuzz(func(t *testing.T, k uint8, data []byte) {
		kind := fuzzKind(k)
		sh, err := readFile(kind, JSON, data)
		checkSheet(t, kind, JSON, sh, err, data)
		if err == nil {
			for i, r := range sh.rows {
				if r.num != i+1 {
					t.Fatalf("read JSON %q: item %d numbered %d", data, i+1, r.num)
				}
			}
		}
	})
}

// FuzzReadXLSX: any bytes read as an XLSX file give a *FileError or rows.
// The seeds are the blank forms and a form with a row.
func FuzzReadXLSX(f *testing.F) {
	for i, k := range Kinds {
		var b bytes.Buffer
		if err := WriteTemplate(&b, k, XLSX); err != nil {
			f.Fatal(err)
		}
		f.Add(uint8(i), b.Bytes())
	}
	var b bytes.Buffer
	n := 10
	tb := &table{kind: Enterprises, rows: []map[*Column]cellOut{{
		column(Enterprises, "name"):        txt("山西顺丰"),
		column(Enterprises, "creditCode"):  txt("91350100M000100Y43"),
		column(Enterprises, "outlets"):     num(&n),
		column(Enterprises, "regionCodes"): list([]string{"太原市", "大同市"}),
	}}}
	if err := writeTable(&b, XLSX, tb); err != nil {
		f.Fatal(err)
	}
	f.Add(uint8(0), b.Bytes())
	f.Add(uint8(0), []byte("PK\x03\x04"))
	f.Add(uint8(0), []byte{})
	f.Fuzz(func(t *testing.T, k uint8, data []byte) {
		kind := fuzzKind(k)
		sh, err := readFile(kind, XLSX, data)
		checkSheet(t, kind, XLSX, sh, err, data)
	})
}

// FuzzCellValues: each cell reader refuses a text with an error or gives a
// value that writes back as a text it reads the same again.
func FuzzCellValues(f *testing.F) {
	for _, s := range []string{
		"1210", "1,210", "1210.0", "-3", "1e15", "1e16", "NaN", "Inf", "0x10", "１２", "",
		"2026-03-01", "2026/3/1", "2026.3.1", "2026年3月1日", "20260301", "46082", "46082.5", "0", "99999", "100000",
		"2026-03-01 00:00:00", "2026-03-01T00:00:00Z", "2026-03", "2026年3月", "202603", "2026-03-02",
		"91350100M000100Y43", " 9135 0100 m000100y43 ", "ſ1350100M000100Y43",
		"太原市", "太原", "Taiyuan", "140100", "张三（省总工会、省信息业工会）", "(x)", "（）", "a)",
		"企业工会", "enterprise", "劳动竞赛", "other", "、,，;；\n", "\xc2 \x85",
	} {
		f.Add(s)
	}
	f.Fuzz(func(t *testing.T, s string) {
		if n, err := parseCount(s); err == nil && n != nil {
			if again, err := parseCount(strconv.Itoa(*n)); err != nil || again == nil || *again != *n {
				t.Fatalf("parseCount(%q) = %d, but %d reads as %v, %v", s, *n, *n, again, err)
			}
		} else if err == nil && clean(s) != "" && strings.Trim(clean(s), ",，") != "" {
			t.Fatalf("parseCount(%q) = nil, nil for a non-empty cell", s)
		}
		if d, err := parseDate(s); err == nil && d != nil {
			out := formatDate(d)
			if again, err := parseDate(out); err != nil || again == nil || !again.Equal(*d) {
				t.Fatalf("parseDate(%q) = %v, written %q, read again as %v, %v", s, d, out, again, err)
			}
		}
		if p, err := parsePeriod(s); err == nil && p != "" {
			if domain.ValidatePeriod(p) != nil {
				t.Fatalf("parsePeriod(%q) = %q, not a period", s, p)
			}
			if again, err := parsePeriod(p); err != nil || again != p {
				t.Fatalf("parsePeriod(%q) = %q, read again as %q, %v", s, p, again, err)
			}
		}
		code := normaliseCreditCode(s)
		// (Not for text that is not UTF-8: dropping a space between two
		// stray bytes can make a character, e.g. "\xc2 \x85" → U+0085, a
		// space; such a cell is refused as a credit code anyway.)
		if utf8.ValidString(s) && normaliseCreditCode(code) != code {
			t.Fatalf("normaliseCreditCode(%q) = %q is not normal", s, code)
		}
		if got, err := creditCodeCell(s); err == nil && got != "" {
			if domain.ValidateCreditCode(got) != nil || got != code {
				t.Fatalf("creditCodeCell(%q) = %q, not a valid code", s, got)
			}
			if again, err := creditCodeCell(got); err != nil || again != got {
				t.Fatalf("creditCodeCell(%q) = %q, read again as %q, %v", s, got, again, err)
			}
		}
		if domain.ValidateCreditCode(s) == nil && code != s {
			t.Fatalf("valid credit code %q normalised to %q", s, code)
		}
		if code, err := parseRegion(s); err == nil {
			if again, err := parseRegion(regionName(code)); err != nil || again != code {
				t.Fatalf("parseRegion(%q) = %q, its name %q reads as %q, %v", s, code, regionName(code), again, err)
			}
		}
		if k, err := parseUnionKind(s); err == nil {
			if again, err := parseUnionKind(unionKindLabel(k)); err != nil || again != k {
				t.Fatalf("parseUnionKind(%q) = %q, its label reads as %q, %v", s, k, again, err)
			}
		}
		if k, err := parseActivityKind(s); err == nil {
			if again, err := parseActivityKind(activityKindLabel(k)); err != nil || again != k {
				t.Fatalf("parseActivityKind(%q) = %q, its label reads as %q, %v", s, k, again, err)
			}
		}
		for _, seps := range []string{listSeparators, titleSeparators} {
			for _, item := range splitList(s, seps) {
				if item == "" || item != clean(item) || strings.ContainsAny(item, seps) {
					t.Fatalf("splitList(%q) gave item %q", s, item)
				}
			}
		}
		if name, q, ok := splitQualifier(s); ok {
			if name != clean(name) || q != clean(q) || !strings.Contains(s, name) || !strings.Contains(s, q) {
				t.Fatalf("splitQualifier(%q) = %q, %q", s, name, q)
			}
		}
		if ref := parseUnionRef(s); ref.creditCode != "" && domain.ValidateCreditCode(ref.creditCode) != nil {
			t.Fatalf("parseUnionRef(%q) = %+v", s, ref)
		}
	})
}
