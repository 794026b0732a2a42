package transfer

import (
	"bytes"
	"encoding/csv"
	"encoding/json"
	"errors"
	"fmt"
	"io"
	"slices"
	"strings"
	"unicode/utf8"

	"github.com/xuri/excelize/v2"
	"golang.org/x/text/encoding/simplifiedchinese"
	"golang.org/x/text/encoding/unicode"
	"golang.org/x/text/transform"
)

// sheet is a file read into rows of cells by column.
type sheet struct {
	kind   Kind
	format Format
	rows   []*row
}

// row is one record of a file: a spreadsheet row, or an item of a JSON
// array.
type row struct {
	// num is the row as a spreadsheet user counts it (the header is row 1),
	// or the item's place in a JSON array, from 1.
	num   int
	label string
	vals  map[*Column]value
	// probs are what was wrong reading the row, before its values.
	probs []Problem
}

// value is one cell: a text, or for a JSON array its items.
type value struct {
	text  string
	items []string
	array bool
}

// has reports whether the row's file gives column c (a column a file leaves
// out keeps the stored value).
func (r *row) has(c *Column) bool {
	_, ok := r.vals[c]
	return ok
}

// text is column c's cell, trimmed ("" when absent or empty).
func (r *row) text(c *Column) string {
	v := r.vals[c]
	if v.array {
		return clean(strings.Join(v.items, "、"))
	}
	return clean(v.text)
}

// list is column c's items: a JSON array's, or the cell split at its
// separators.
func (r *row) list(c *Column) []string {
	v := r.vals[c]
	if v.array {
		out := []string{}
		for _, it := range v.items {
			if it = clean(it); it != "" {
				out = append(out, it)
			}
		}
		return out
	}
	seps := listSeparators
	if c.typ == tTitles {
		seps = titleSeparators
	}
	return splitList(v.text, seps)
}

// FileError is a problem with a whole file (it cannot be read, or its
// header is wrong): nothing in it is imported.
type FileError struct{ Message string }

func (e *FileError) Error() string { return e.Message }

func fileErrorf(format string, args ...any) error {
	return &FileError{Message: fmt.Sprintf(format, args...)}
}

// readFile reads a file of the kind in the format.
func readFile(kind Kind, format Format, data []byte) (*sheet, error) {
	switch format {
	case CSV:
		return readCSV(kind, data)
	case XLSX:
		return readXLSX(kind, data)
	case JSON:
		return readJSON(kind, data)
	}
	return nil, fmt.Errorf("unknown format %q", format)
}

// decodeText turns a text file's bytes into UTF-8: UTF-8 with or without a
// byte order mark (Excel's "CSV UTF-8"), UTF-16 with a byte order mark
// (Excel's "Unicode text"), or else GB18030 (Excel's "CSV" on a Chinese
// Windows).
func decodeText(data []byte) (string, error) {
	switch {
	case bytes.HasPrefix(data, []byte{0xEF, 0xBB, 0xBF}):
		data = data[3:]
	case bytes.HasPrefix(data, []byte{0xFF, 0xFE}), bytes.HasPrefix(data, []byte{0xFE, 0xFF}):
		out, _, err := transform.Bytes(unicode.UTF16(unicode.LittleEndian, unicode.UseBOM).NewDecoder(), data)
		if err != nil {
			return "", fileErrorf("the file starts like UTF-16 but is not: %v", err)
		}
		return string(out), nil
	}
	if utf8.Valid(data) {
		return string(data), nil
	}
	out, _, err := transform.Bytes(simplifiedchinese.GB18030.NewDecoder(), data)
	if err != nil {
		return "", fileErrorf("文件既不是 UTF-8 也不是 GB18030 编码：请另存为“CSV UTF-8”")
	}
	return string(out), nil
}

func readCSV(kind Kind, data []byte) (*sheet, error) {
	text, err := decodeText(data)
	if err != nil {
		return nil, err
	}
	r := csv.NewReader(strings.NewReader(text))
	r.FieldsPerRecord = -1
	r.LazyQuotes = true
	if first, _, _ := strings.Cut(text, "\n"); !strings.Contains(first, ",") && strings.Contains(first, "\t") {
		r.Comma = '\t'
	}
	// The csv package skips blank lines; a spreadsheet counts them as rows.
	// Count them back from the line each record starts on.
	var grid [][]string
	var nums []int
	num, nextLine := 0, 1
	for {
		rec, err := r.Read()
		if errors.Is(err, io.EOF) {
			break
		}
		if err != nil {
			var pe *csv.ParseError
			if errors.As(err, &pe) {
				return nil, fileErrorf("CSV 第 %d 行无法读取：%v（引号不成对？）", pe.StartLine, pe.Err)
			}
			return nil, err
		}
		start, _ := r.FieldPos(0)
		num += 1 + max(0, start-nextLine)
		endLine, _ := r.FieldPos(len(rec) - 1)
		nextLine = endLine + strings.Count(rec[len(rec)-1], "\n") + 1
		grid = append(grid, rec)
		nums = append(nums, num)
	}
	return fromGrid(kind, CSV, grid, nums)
}

func readXLSX(kind Kind, data []byte) (*sheet, error) {
	f, err := excelize.OpenReader(bytes.NewReader(data))
	if err != nil {
		return nil, fileErrorf("不是可读的 XLSX 文件（%v）：请用 Excel 或 WPS 另存为 .xlsx", err)
	}
	defer f.Close()
	name := ""
	for _, s := range f.GetSheetList() {
		if s != HelpSheet {
			name = s
			break
		}
	}
	if name == "" {
		return nil, fileErrorf("XLSX 文件没有数据工作表（只有“%s”）", HelpSheet)
	}
	// Raw values: a date cell gives its serial number, a number its digits,
	// not what a display format makes of them.
	grid, err := f.GetRows(name, excelize.Options{RawCellValue: true})
	if err != nil {
		return nil, fileErrorf("读取工作表“%s”：%v", name, err)
	}
	nums := make([]int, len(grid))
	for i := range nums {
		nums[i] = i + 1
	}
	return fromGrid(kind, XLSX, grid, nums)
}

// fromGrid reads a header row and data rows; nums are the rows' numbers.
func fromGrid(kind Kind, format Format, grid [][]string, nums []int) (*sheet, error) {
	if len(grid) == 0 || slices.IndexFunc(grid[0], func(s string) bool { return clean(s) != "" }) < 0 {
		return nil, fileErrorf("文件是空的：第 1 行应是列名，如 %s", headerExample(kind))
	}
	cols := make([]*Column, len(grid[0]))
	var unknown []string
	where := map[*Column]int{}
	for i, h := range grid[0] {
		if normaliseHeader(h) == "" {
			continue
		}
		c := columnByHeader(kind, h)
		if c == nil {
			unknown = append(unknown, fmt.Sprintf("“%s”", normaliseHeader(h)))
			continue
		}
		if j, dup := where[c]; dup {
			return nil, fileErrorf("列 %s 出现了两次（第 %s 列和第 %s 列）：删去一列", c.Label(), columnLetter(j), columnLetter(i))
		}
		where[c] = i
		cols[i] = c
	}
	if len(unknown) > 0 {
		return nil, fileErrorf("未知的列：%s。%s文件可用的列：%s", strings.Join(unknown, "、"), kind.SheetName(), headerList(kind))
	}
	if msg := keyProblem(kind, func(c *Column) bool { _, ok := where[c]; return ok }); msg != "" {
		return nil, fileErrorf("缺少必需的列：%s", msg)
	}
	sh := &sheet{kind: kind, format: format}
	for i, cells := range grid[1:] {
		num := nums[i+1]
		if !slices.ContainsFunc(cells, func(s string) bool { return clean(s) != "" }) {
			continue
		}
		r := &row{num: num, label: fmt.Sprintf("第 %d 行", num), vals: map[*Column]value{}}
		for _, c := range cols {
			if c != nil {
				r.vals[c] = value{}
			}
		}
		for j, cell := range cells {
			switch {
			case j < len(cols) && cols[j] != nil:
				r.vals[cols[j]] = value{text: cell}
			case clean(cell) != "":
				r.probs = append(r.probs, Problem{Message: fmt.Sprintf("第 %s 列有内容“%s”，但这一列没有列名", columnLetter(j), clean(cell)), Code: codeInput})
			}
		}
		sh.rows = append(sh.rows, r)
	}
	return sh, nil
}

func readJSON(kind Kind, data []byte) (*sheet, error) {
	data = bytes.TrimPrefix(data, []byte{0xEF, 0xBB, 0xBF})
	dec := json.NewDecoder(bytes.NewReader(data))
	dec.UseNumber()
	var items []map[string]any
	if err := dec.Decode(&items); err != nil {
		return nil, fileErrorf("JSON 文件应是对象的数组，如 [{\"%s\": …}, …]：%v", Columns(kind)[0].Alias, err)
	}
	if _, err := dec.Token(); !errors.Is(err, io.EOF) {
		return nil, fileErrorf("JSON 文件在数组之后还有内容：一个文件只放一个数组")
	}
	var unknown []string
	sh := &sheet{kind: kind, format: JSON}
	for i, item := range items {
		r := &row{num: i + 1, label: fmt.Sprintf("第 %d 项", i+1), vals: map[*Column]value{}}
		keys := make([]string, 0, len(item))
		for k := range item {
			keys = append(keys, k)
		}
		slices.Sort(keys)
		for _, k := range keys {
			c := columnByHeader(kind, k)
			if c == nil {
				if q := fmt.Sprintf("“%s”", k); !slices.Contains(unknown, q) {
					unknown = append(unknown, q)
				}
				continue
			}
			v, msg := jsonValue(item[k], c)
			if msg != "" {
				r.probs = append(r.probs, Problem{Column: c.Label(), Message: msg, Code: codeInput})
			}
			r.vals[c] = v
		}
		if msg := keyProblem(kind, r.has); msg != "" {
			r.probs = append(r.probs, Problem{Message: "缺少必需的键：" + msg, Code: codeInput})
		}
		sh.rows = append(sh.rows, r)
	}
	if len(unknown) > 0 {
		return nil, fileErrorf("未知的键：%s。%s文件可用的键：%s", strings.Join(unknown, "、"), kind.SheetName(), headerList(kind))
	}
	return sh, nil
}

// jsonValue reads one JSON value as a cell; msg says what is wrong with it.
func jsonValue(v any, c *Column) (value, string) {
	scalar := func(v any) (string, bool) {
		switch x := v.(type) {
		case nil:
			return "", true
		case string:
			return x, true
		case json.Number:
			return x.String(), true
		}
		return "", false
	}
	if s, ok := scalar(v); ok {
		return value{text: s}, ""
	}
	if arr, ok := v.([]any); ok {
		if !c.List() {
			return value{}, "只能有一个值，不能是数组"
		}
		out := value{array: true, items: []string{}}
		for _, e := range arr {
			s, ok := scalar(e)
			if !ok {
				return value{}, "数组的每一项应是文字或数字"
			}
			out.items = append(out.items, s)
		}
		return out, ""
	}
	return value{}, "应是文字、数字或 null（列表可以是数组）"
}

// keyProblem says which key columns a file (or a JSON item) lacks, or "".
// An activity is found by its external id or, without one, by its title,
// date and organiser.
func keyProblem(kind Kind, has func(*Column) bool) string {
	var missing []*Column
	if kind == Activities {
		if has(column(Activities, "externalId")) {
			return ""
		}
		for _, a := range []string{"title", "date", "organiser"} {
			if c := column(Activities, a); !has(c) {
				missing = append(missing, c)
			}
		}
		if len(missing) == 0 {
			return ""
		}
		return fmt.Sprintf("%s，或者（没有外部编号时）%s", column(Activities, "externalId").Label(), labels(missing))
	}
	for _, c := range Columns(kind) {
		if c.Need == Key && !has(c) {
			missing = append(missing, c)
		}
	}
	if len(missing) == 0 {
		return ""
	}
	return labels(missing) + "（自然键：用来找到要更新的记录）"
}

func labels(cols []*Column) string {
	out := make([]string, len(cols))
	for i, c := range cols {
		out[i] = c.Label()
	}
	return strings.Join(out, "、")
}

func headerList(kind Kind) string {
	cols := Columns(kind)
	out := make([]string, len(cols))
	for i, c := range cols {
		out[i] = c.Label()
	}
	return strings.Join(out, "、")
}

func headerExample(kind Kind) string {
	cols := Columns(kind)
	out := make([]string, 0, 3)
	for _, c := range cols[:min(3, len(cols))] {
		out = append(out, c.Header)
	}
	return strings.Join(out, ",") + ",…"
}

// columnLetter is a spreadsheet's name for the i-th column (from 0): A, B, …, AA.
func columnLetter(i int) string {
	s := ""
	for i++; i > 0; i = (i - 1) / 26 {
		s = string(rune('A'+(i-1)%26)) + s
	}
	return s
}
