package transfer

import (
	"fmt"
	"math"
	"regexp"
	"strconv"
	"strings"
	"time"
	"unicode"

	"sanfang/internal/domain"
)

// The functions here read one cell's text into a value and write a value
// back as text. An empty cell is no value (nil); every error message says
// what was found and how to write it.

// clean trims a cell: spaces (also ideographic ones and non-breaking
// spaces), and the line breaks spreadsheets leave at the ends.
func clean(s string) string {
	return strings.TrimFunc(s, func(r rune) bool { return unicode.IsSpace(r) || r == '\u00a0' || r == '\ufeff' })
}

// parseCount reads a whole number: "1210", "1,210", "1210.0" (as a
// spreadsheet may write it).
func parseCount(s string) (*int, error) {
	s = strings.ReplaceAll(clean(s), ",", "")
	s = strings.ReplaceAll(s, "，", "")
	if s == "" {
		return nil, nil
	}
	if n, err := strconv.Atoi(s); err == nil {
		return &n, nil
	}
	f, err := strconv.ParseFloat(s, 64)
	if err != nil || f != math.Trunc(f) || math.Abs(f) > 1e15 {
		return nil, fmt.Errorf("%q 不是整数：请写如 1210 这样的整数", s)
	}
	n := int(f)
	return &n, nil
}

// dateForms are the ways a date may be written, besides an Excel serial
// number.
var dateForms = []string{"2006-01-02", "2006-1-2", "2006/1/2", "2006.1.2", "2006年1月2日", "20060102"}

// timeOfDay is a midnight time some spreadsheets append to dates.
var timeOfDay = regexp.MustCompile(`[ T]0?0:00(:00(\.0+)?)?(Z|[+-]00:?00)?$`)

// parseDate reads a date: 2026-03-01, 2026/3/1, 2026.3.1, 2026年3月1日,
// 20260301, or a number of up to five digits, which is an Excel date serial
// (what an XLSX date cell holds).
func parseDate(s string) (*time.Time, error) {
	s = timeOfDay.ReplaceAllString(clean(s), "")
	if s == "" {
		return nil, nil
	}
	if t, ok := excelSerial(s); ok {
		return &t, nil
	}
	for _, f := range dateForms {
		if t, err := time.Parse(f, s); err == nil {
			return &t, nil
		}
	}
	return nil, fmt.Errorf("%q 不是日期：请写成 YYYY-MM-DD，如 2026-03-01", s)
}

// excelSerial reads an Excel date serial number (days since 1899-12-30),
// allowing only the range of plausible dates (1900 to 2173).
func excelSerial(s string) (time.Time, bool) {
	whole, _, _ := strings.Cut(s, ".")
	if len(whole) == 0 || len(whole) > 5 || strings.IndexFunc(s, func(r rune) bool { return (r < '0' || r > '9') && r != '.' }) >= 0 {
		return time.Time{}, false
	}
	f, err := strconv.ParseFloat(s, 64)
	if err != nil || f < 1 || f >= 100000 {
		return time.Time{}, false
	}
	base := time.Date(1899, 12, 30, 0, 0, 0, 0, time.UTC)
	return base.AddDate(0, 0, int(f)), true
}

func formatDate(t *time.Time) string {
	if t == nil {
		return ""
	}
	return t.UTC().Format(time.DateOnly)
}

// periodForms are the ways a month may be written.
var periodForms = []string{"2006-01", "2006-1", "2006/1", "2006.1", "2006年1月", "200601"}

// parsePeriod reads a month: 2026-03, 2026/3, 2026年3月, 202603, or an
// Excel date (a spreadsheet turns 2026-03 into the date 2026-03-01).
func parsePeriod(s string) (string, error) {
	s = timeOfDay.ReplaceAllString(clean(s), "")
	if s == "" {
		return "", nil
	}
	if t, ok := excelSerial(s); ok {
		return t.Format("2006-01"), nil
	}
	for _, f := range periodForms {
		if t, err := time.Parse(f, s); err == nil {
			return t.Format("2006-01"), nil
		}
	}
	for _, f := range []string{"2006-01-02", "2006/1/2"} {
		if t, err := time.Parse(f, s); err == nil && t.Day() == 1 {
			return t.Format("2006-01"), nil
		}
	}
	return "", fmt.Errorf("%q 不是月份：请写成 YYYY-MM，如 2026-03", s)
}

// listSeparators split a list cell; titleSeparators split the titles of a
// person (a title itself may hold 、).
var (
	listSeparators  = "、,，;；\n"
	titleSeparators = "；;\n"
)

// splitList splits a list cell into its trimmed, non-empty items.
func splitList(s, seps string) []string {
	parts := strings.FieldsFunc(s, func(r rune) bool { return strings.ContainsRune(seps, r) })
	out := make([]string, 0, len(parts))
	for _, p := range parts {
		if p = clean(p); p != "" {
			out = append(out, p)
		}
	}
	return out
}

// parseRegion reads a city: its name (太原市 or 太原), its code (140100)
// or its English name (Taiyuan).
func parseRegion(s string) (string, error) {
	s = clean(s)
	for _, r := range domain.Regions {
		if s == r.Code || s == r.Name || s == strings.TrimSuffix(r.Name, "市") || strings.EqualFold(s, r.NameEn) {
			return r.Code, nil
		}
	}
	return "", fmt.Errorf("%q 不是山西的地级市：请写 太原市、大同市、…、吕梁市 或其代码 140100、…", s)
}

// regionName is a city's name, or its code when it is not one of the 11.
func regionName(code string) string {
	if r, ok := domain.RegionByCode(code); ok {
		return r.Name
	}
	return code
}

// normaliseCreditCode writes a credit code as stored: capitals, no spaces.
func normaliseCreditCode(s string) string {
	return strings.ToUpper(strings.Join(strings.Fields(clean(s)), ""))
}

var unionKindLabels = []struct {
	kind  domain.UnionKind
	label string
}{{domain.UnionEnterprise, "企业工会"}, {domain.UnionRegionalFederation, "区域快递行业工会联合会"}}

func parseUnionKind(s string) (domain.UnionKind, error) {
	s = clean(s)
	for _, l := range unionKindLabels {
		if s == l.label || strings.EqualFold(s, string(l.kind)) {
			return l.kind, nil
		}
	}
	if s == "区域工会联合会" || s == "区域联合会" {
		return domain.UnionRegionalFederation, nil
	}
	return "", fmt.Errorf("%q 不是工会类型：请写 企业工会 或 区域快递行业工会联合会", s)
}

func unionKindLabel(k domain.UnionKind) string {
	for _, l := range unionKindLabels {
		if l.kind == k {
			return l.label
		}
	}
	return string(k)
}

var activityKindLabels = []struct {
	kind  domain.ActivityKind
	label string
}{
	{domain.ActivityLabourCompetition, "劳动竞赛"},
	{domain.ActivitySkillsTraining, "技能培训"},
	{domain.ActivityCareService, "关爱服务"},
	{domain.ActivityRightsProtection, "维权服务"},
	{domain.ActivityOther, "其他"},
}

func parseActivityKind(s string) (domain.ActivityKind, error) {
	s = clean(s)
	for _, l := range activityKindLabels {
		if s == l.label || strings.EqualFold(s, string(l.kind)) {
			return l.kind, nil
		}
	}
	return "", fmt.Errorf("%q 不是活动类型：请写 劳动竞赛、技能培训、关爱服务、维权服务 或 其他", s)
}

func activityKindLabel(k domain.ActivityKind) string {
	for _, l := range activityKindLabels {
		if l.kind == k {
			return l.label
		}
	}
	return string(k)
}

// splitQualifier splits "名称（限定）" into the name and what the
// parentheses hold (full-width or ASCII); ok is false when s does not end
// in a parenthesised part.
func splitQualifier(s string) (name, qualifier string, ok bool) {
	s = clean(s)
	var open string
	switch {
	case strings.HasSuffix(s, "）"):
		open = "（"
	case strings.HasSuffix(s, ")"):
		open = "("
	default:
		return s, "", false
	}
	i := strings.LastIndex(s, open)
	if i <= 0 {
		return s, "", false
	}
	closeLen := len("）")
	if open == "(" {
		closeLen = 1
	}
	return clean(s[:i]), clean(s[i+len(open) : len(s)-closeLen]), true
}

// masked reports whether a phone or e-mail is a masked value (what export
// writes for a caller who may not see contact details).
func masked(s string) bool { return strings.Contains(s, "*") }

func optString(s string) *string {
	if s == "" {
		return nil
	}
	return &s
}

func deref(s *string) string {
	if s == nil {
		return ""
	}
	return *s
}
