package transfer

import (
	"bufio"
	"encoding/csv"
	"encoding/json"
	"fmt"
	"io"
	"strconv"
	"strings"

	"github.com/xuri/excelize/v2"
)

// cellOut is one cell to write: a text, a whole number, or a list.
type cellOut struct {
	text  string
	num   *int
	items []string
	list  bool
}

func txt(s string) cellOut        { return cellOut{text: s} }
func num(n *int) cellOut          { return cellOut{num: n} }
func list(items []string) cellOut { return cellOut{items: items, list: true} }
func optTxt(s *string) cellOut    { return cellOut{text: deref(s)} }

// joined is the cell as text: a list's items joined by 、 (a person's
// titles by ；).
func (c cellOut) joined(col *Column) string {
	switch {
	case c.num != nil:
		return strconv.Itoa(*c.num)
	case c.list && col.typ == tTitles:
		return strings.Join(c.items, "；")
	case c.list:
		return strings.Join(c.items, "、")
	}
	return c.text
}

// table is the rows of a file to write, by column.
type table struct {
	kind Kind
	rows []map[*Column]cellOut
}

func writeTable(w io.Writer, format Format, t *table) error {
	switch format {
	case CSV:
		return writeCSV(w, t)
	case JSON:
		return writeJSON(w, t)
	case XLSX:
		return writeXLSX(w, t)
	}
	return fmt.Errorf("unknown format %q", format)
}

// writeCSV writes UTF-8 with a byte order mark, as Excel needs to read
// Chinese from a CSV file, and CRLF line ends.
func writeCSV(w io.Writer, t *table) error {
	bw := bufio.NewWriter(w)
	bw.WriteString("\ufeff")
	cw := csv.NewWriter(bw)
	cw.UseCRLF = true
	cols := Columns(t.kind)
	rec := make([]string, len(cols))
	for i, c := range cols {
		rec[i] = c.Header
	}
	cw.Write(rec)
	for _, r := range t.rows {
		for i, c := range cols {
			rec[i] = r[c].joined(c)
		}
		cw.Write(rec)
	}
	cw.Flush()
	if err := cw.Error(); err != nil {
		return err
	}
	return bw.Flush()
}

// writeJSON writes an array of objects keyed by the columns' English
// aliases: whole numbers as numbers, lists as arrays, empty cells as null.
func writeJSON(w io.Writer, t *table) error {
	bw := bufio.NewWriter(w)
	cols := Columns(t.kind)
	bw.WriteString("[")
	for i, r := range t.rows {
		if i > 0 {
			bw.WriteString(",")
		}
		bw.WriteString("\n  {")
		for j, c := range cols {
			if j > 0 {
				bw.WriteString(", ")
			}
			k, _ := json.Marshal(c.Alias)
			bw.Write(k)
			bw.WriteString(": ")
			v := r[c]
			var val any
			switch {
			case v.num != nil:
				val = *v.num
			case c.List():
				val = append([]string{}, v.items...)
			case v.text != "":
				val = v.text
			}
			b, err := json.Marshal(val)
			if err != nil {
				return err
			}
			bw.Write(b)
		}
		bw.WriteString("}")
	}
	if len(t.rows) > 0 {
		bw.WriteString("\n")
	}
	bw.WriteString("]\n")
	return bw.Flush()
}

// writeXLSX writes the data sheet (bold header, frozen; text columns
// formatted as text, so that Excel keeps credit codes, phones and months as
// typed) and the 说明 sheet.
func writeXLSX(w io.Writer, t *table) error {
	f := excelize.NewFile()
	defer f.Close()
	data := t.kind.SheetName()
	if err := f.SetSheetName("Sheet1", data); err != nil {
		return err
	}
	textStyle, err := f.NewStyle(&excelize.Style{NumFmt: 49})
	if err != nil {
		return err
	}
	headStyle, err := f.NewStyle(&excelize.Style{NumFmt: 49, Font: &excelize.Font{Bold: true},
		Fill: excelize.Fill{Type: "pattern", Pattern: 1, Color: []string{"DDEBF7"}}})
	if err != nil {
		return err
	}
	cols := Columns(t.kind)
	for i, c := range cols {
		name := columnLetter(i)
		if c.typ != tInt {
			if err := f.SetColStyle(data, name, textStyle); err != nil {
				return err
			}
		}
		if err := f.SetColWidth(data, name, name, columnWidth(c)); err != nil {
			return err
		}
		cell := name + "1"
		if err := f.SetCellStr(data, cell, c.Header); err != nil {
			return err
		}
		if err := f.SetCellStyle(data, cell, cell, headStyle); err != nil {
			return err
		}
	}
	if err := f.SetPanes(data, &excelize.Panes{Freeze: true, YSplit: 1, TopLeftCell: "A2", ActivePane: "bottomLeft"}); err != nil {
		return err
	}
	for r, row := range t.rows {
		for i, c := range cols {
			cell := columnLetter(i) + strconv.Itoa(r+2)
			v := row[c]
			switch {
			case v.num != nil:
				err = f.SetCellInt(data, cell, int64(*v.num))
			case v.joined(c) != "":
				err = f.SetCellStr(data, cell, v.joined(c))
			}
			if err != nil {
				return err
			}
		}
	}
	if err := writeHelpSheet(f, t.kind, headStyle); err != nil {
		return err
	}
	f.SetActiveSheet(0)
	_, err = f.WriteTo(w)
	return err
}

func columnWidth(c *Column) float64 {
	switch c.typ {
	case tInt, tOrdinal:
		return 12
	case tDate, tPeriod:
		return 14
	case tList, tTitles:
		return 36
	}
	return 24
}

// writeHelpSheet writes the 说明 sheet: every column with its English
// name, whether it is required and what it holds, then how to import.
func writeHelpSheet(f *excelize.File, kind Kind, headStyle int) error {
	if _, err := f.NewSheet(HelpSheet); err != nil {
		return err
	}
	rows := [][]string{{"列名", "英文名（也可作列名）", "必填", "说明"}}
	for _, c := range Columns(kind) {
		need := ""
		switch c.Need {
		case Key:
			need = "是（自然键）"
		case RequiredNew:
			need = "新建时必填"
		}
		if kind == Activities && c.Alias == "externalId" {
			need = "自然键（可空）"
		}
		rows = append(rows, []string{c.Header, c.Alias, need, c.Help})
	}
	rows = append(rows, []string{}, []string{"填写说明"})
	for _, note := range helpNotes(kind) {
		rows = append(rows, []string{note})
	}
	for i, r := range rows {
		if len(r) == 0 {
			continue
		}
		if err := f.SetSheetRow(HelpSheet, "A"+strconv.Itoa(i+1), &r); err != nil {
			return err
		}
	}
	if err := f.SetCellStyle(HelpSheet, "A1", "D1", headStyle); err != nil {
		return err
	}
	for col, width := range map[string]float64{"A": 18, "B": 24, "C": 14, "D": 90} {
		if err := f.SetColWidth(HelpSheet, col, col, width); err != nil {
			return err
		}
	}
	return nil
}

// helpNotes are the 说明 sheet's notes on filling in and importing a file.
func helpNotes(kind Kind) []string {
	notes := []string{
		"第 1 行是列名（中文列名或英文名均可），从第 2 行起每行一条记录；导入报告中的行号与表格的行号一致。",
		"不需要的列可以整列删去：文件中没有的列保持库中原值；有这一列而单元格为空，表示清空该项。",
		"按自然键导入：库中已有的记录被更新，没有的被新建；同一文件导入两次，第二次不会改变任何数据。",
		"引用其他记录时写自然键（统一社会信用代码、工会名称等），不写系统内部编号。",
		"先试运行检查：sanfang import --kind " + string(kind) + " --key <API 密钥> --dry-run 文件.xlsx；有错误的行会逐行列出，整个文件不会写入。",
	}
	switch kind {
	case Unions:
		notes = append(notes, "企业须先导入（企业文件）；主席须先导入（人员文件）。")
	case Figures:
		notes = append(notes, "工会须先导入（工会文件）。合作方密钥只能导入本企业工会的数据。")
	case Activities:
		notes = append(notes, "参与企业、参与工会须先导入。合作方密钥只能导入只涉及本企业的活动。")
	case People:
		notes = append(notes, "同名且职务所在机构相同的人视为同一人；库中若有多位这样的人，该行会被拒绝。")
	}
	return notes
}

// WriteTemplate writes an empty file of the kind in the format: the
// header (and in XLSX the 说明 sheet); in JSON one object with every key
// and no values.
func WriteTemplate(w io.Writer, kind Kind, format Format) error {
	t := &table{kind: kind}
	if format == JSON {
		t.rows = []map[*Column]cellOut{{}}
	}
	return writeTable(w, format, t)
}
