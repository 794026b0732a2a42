package transfer

import (
	"fmt"
	"path/filepath"
	"strings"
)

// Kind is the kind of record a file holds.
type Kind string

const (
	Enterprises Kind = "enterprises"
	Unions      Kind = "unions"
	Figures     Kind = "figures"
	Activities  Kind = "activities"
	People      Kind = "people"
)

// Kinds lists every kind, in the order a whole data set is imported
// (enterprises before the unions that name them, people before the unions
// they chair, unions before their figures and activities).
var Kinds = []Kind{Enterprises, People, Unions, Figures, Activities}

// ParseKind reads a kind's name as the command line gives it.
func ParseKind(s string) (Kind, error) {
	for _, k := range Kinds {
		if strings.EqualFold(s, string(k)) {
			return k, nil
		}
	}
	return "", fmt.Errorf("unknown kind %q: use one of %s", s, kindList())
}

func kindList() string {
	names := make([]string, len(Kinds))
	for i, k := range Kinds {
		names[i] = string(k)
	}
	return strings.Join(names, ", ")
}

// SheetName is the name of the data sheet of an XLSX file of the kind, and
// what a report calls the kind.
func (k Kind) SheetName() string {
	switch k {
	case Enterprises:
		return "企业"
	case Unions:
		return "工会"
	case Figures:
		return "会员数据"
	case Activities:
		return "活动"
	case People:
		return "人员"
	}
	return string(k)
}

// HelpSheet is the name of the sheet of an XLSX file that explains the
// columns; import ignores it.
const HelpSheet = "说明"

// Format is a file format.
type Format string

const (
	CSV  Format = "csv"
	JSON Format = "json"
	XLSX Format = "xlsx"
)

// Formats lists the formats.
var Formats = []Format{CSV, JSON, XLSX}

// ParseFormat reads a format's name.
func ParseFormat(s string) (Format, error) {
	for _, f := range Formats {
		if strings.EqualFold(strings.TrimPrefix(s, "."), string(f)) {
			return f, nil
		}
	}
	return "", fmt.Errorf("unknown format %q: use csv, json or xlsx", s)
}

// FormatOf is the format a file's extension names.
func FormatOf(path string) (Format, error) {
	ext := filepath.Ext(path)
	if ext == "" {
		return "", fmt.Errorf("%s has no extension to tell its format by: name it .csv, .json or .xlsx, or give --format", path)
	}
	f, err := ParseFormat(ext)
	if err != nil {
		return "", fmt.Errorf("%s: the extension %s is not csv, json or xlsx: rename it or give --format", path, ext)
	}
	return f, nil
}

// valueType says how a column's cells are read and written.
type valueType int

const (
	tText    valueType = iota
	tInt               // a whole number, written as a number in XLSX and JSON
	tDate              // YYYY-MM-DD
	tPeriod            // a month, YYYY-MM
	tList              // several values separated by 、 , ， ; or ；
	tTitles            // several 机构:职务 separated by ； or ;
	tOrdinal           // a task's number in its plan: a whole number kept as text
)

// Need says when a column must be filled in.
type Need int

const (
	// Optional columns may be left out of a file or left empty.
	Optional Need = iota
	// RequiredNew columns must be filled in for a row that creates a record
	// (a row that updates one may leave the column out: the stored value
	// stays).
	RequiredNew
	// Key columns are (part of) the natural key: every file needs them.
	Key
)

// Column is one column of a file of some kind.
type Column struct {
	Kind Kind
	// Header is the column's header as the bodies write it; export writes
	// it, import accepts it or Alias (English, any case).
	Header string
	// Alias is the English name, accepted as a header on import and used as
	// the key of JSON objects.
	Alias string
	Need  Need
	typ   valueType
	// field is the record's field (its json name) the column sets, to put
	// the record's validation problems under the column.
	field string
	// Help explains the column and its allowed values (the 说明 sheet).
	Help string
}

// Label is how a report names the column: 统一社会信用代码(creditCode).
func (c *Column) Label() string { return c.Header + "(" + c.Alias + ")" }

// List reports whether the column holds several values.
func (c *Column) List() bool { return c.typ == tList || c.typ == tTitles }

// columns is THE table of columns: for each kind, the columns its files
// have, in the order export writes them. README's "Import and export"
// section shows the same table.
var columns = []Column{
	{Enterprises, "企业名称", "name", RequiredNew, tText, "name", "企业的通用名称，如 山西顺丰"},
	{Enterprises, "注册名称", "legalName", Optional, tText, "legalName", "工商登记的企业全称"},
	{Enterprises, "品牌", "brand", RequiredNew, tText, "brand", "快递品牌，如 顺丰、中通"},
	{Enterprises, "品牌英文名", "brandEn", Optional, tText, "brandEn", "品牌的英文名，如 SF Express"},
	{Enterprises, "统一社会信用代码", "creditCode", Key, tText, "creditCode", "18 位统一社会信用代码（GB 32100-2015），企业的自然键：有此代码的企业被更新，没有则新建"},
	{Enterprises, "所在城市", "regionCodes", Optional, tList, "regionCodes", "经营所在的地级市：写名称（太原市）或代码（140100），多个用 、 或 , 分隔"},
	{Enterprises, "网点数", "outlets", Optional, tInt, "outlets", "网点数，0 或正整数"},
	{Enterprises, "快递员数", "couriers", Optional, tInt, "couriers", "快递员数，不多于从业人员数"},
	{Enterprises, "从业人员数", "employees", Optional, tInt, "employees", "从业人员数"},
	{Enterprises, "数据截至", "figuresAsOf", Optional, tDate, "figuresAsOf", "以上数字的截至日期，YYYY-MM-DD"},

	{Unions, "工会名称", "name", Key, tText, "name", "工会的名称；与所属企业信用代码一起是工会的自然键"},
	{Unions, "类型", "kind", Optional, tText, "kind", "企业工会 或 区域快递行业工会联合会（也可写 ENTERPRISE、REGIONAL_FEDERATION）；空着时，填了所属企业信用代码的是企业工会，否则是区域联合会"},
	{Unions, "所属企业信用代码", "enterpriseCreditCode", Key, tText, "enterpriseId", "企业工会所属企业的统一社会信用代码（企业须已导入）；区域快递行业工会联合会留空"},
	{Unions, "上级工会", "parentName", Optional, tText, "parentId", "上级区域快递行业工会联合会的名称（可以在同一文件中）"},
	{Unions, "成立日期", "foundedOn", Optional, tDate, "foundedOn", "YYYY-MM-DD"},
	{Unions, "城市", "regionCodes", Optional, tList, "regionCodes", "所在地级市，名称或代码，多个用 、 分隔；区域联合会恰好一个"},
	{Unions, "主席", "chairName", Optional, tText, "chairId", "工会主席的姓名（须已导入人员）；有同名者时在姓名后用括号写其职务所在机构，如 张三（省总工会），没有职务的写 张三（无职务）"},

	{Figures, "工会名称", "unionName", Key, tText, "unionId", "工会的名称（工会须已导入）"},
	{Figures, "所属企业信用代码", "enterpriseCreditCode", Key, tText, "unionId", "工会所属企业的统一社会信用代码；区域快递行业工会联合会留空"},
	{Figures, "期间", "period", Key, tPeriod, "period", "数据所属月份，YYYY-MM；工会与期间一起是会员数据的自然键"},
	{Figures, "职工数", "employees", Optional, tInt, "employees", "职工数"},
	{Figures, "快递员数", "couriers", Optional, tInt, "couriers", "快递员数，不多于职工数"},
	{Figures, "会员数", "members", Optional, tInt, "members", "工会会员数，不多于职工数"},
	{Figures, "快递员会员数", "courierMembers", Optional, tInt, "courierMembers", "快递员中的会员数，不多于快递员数和会员数"},

	{Activities, "外部编号", "externalId", Optional, tText, "externalId", "贵方系统中活动的编号，活动的自然键；空着时按 名称 + 日期 + 组织单位 找同一活动"},
	{Activities, "类型", "kind", RequiredNew, tText, "kind", "劳动竞赛、技能培训、关爱服务、维权服务 或 其他（也可写 LABOUR_COMPETITION、SKILLS_TRAINING、CARE_SERVICE、RIGHTS_PROTECTION、OTHER）"},
	{Activities, "名称", "title", RequiredNew, tText, "title", "活动名称"},
	{Activities, "组织单位", "organiser", RequiredNew, tText, "organiserBodyId", "省邮政管理局、省信息业工会、省快递协会 或 省总工会（也可写全称或代码 POSTAL、UNION、ASSOCIATION、FEDERATION）"},
	{Activities, "日期", "date", RequiredNew, tDate, "date", "活动（开始）日期，YYYY-MM-DD"},
	{Activities, "结束日期", "endDate", Optional, tDate, "endDate", "多日活动的结束日期，YYYY-MM-DD，不早于日期"},
	{Activities, "城市", "regionCode", Optional, tText, "regionCode", "活动所在地级市，一个，名称或代码；全省性活动留空"},
	{Activities, "参与企业信用代码", "enterpriseCreditCodes", Optional, tList, "enterpriseIds", "参与企业的统一社会信用代码，多个用 、 分隔（企业须已导入）"},
	{Activities, "参与工会", "unionNames", Optional, tList, "unionIds", "参与工会的名称，多个用 、 分隔；有同名工会时写 名称（所属企业信用代码）"},
	{Activities, "参与人数", "participantCount", Optional, tInt, "participantCount", "参与人数"},
	{Activities, "所属计划", "planTitle", Optional, tText, "taskId", "活动落实的联合工作方案的标题，如 2026年三方联合工作方案；与任务序号一起填"},
	{Activities, "任务序号", "taskNumber", Optional, tOrdinal, "taskId", "该方案中的任务序号（1、2、…）"},

	{People, "姓名", "name", Key, tText, "name", "姓名；与职务所在的机构一起识别同一个人"},
	{People, "职务", "titles", Key, tTitles, "titles", "机构:职务，多个用 ； 分隔，如 省邮政管理局:党组书记、局长；省总工会:副主席。机构写简称、全称或代码；没有职务留空"},
	{People, "电话", "phone", Optional, tText, "phone", "手机 11 位（13800138000）或 区号-号码（0351-1234567）；含 * 的打码值表示保持原值"},
	{People, "邮箱", "email", Optional, tText, "email", "电子邮箱；含 * 的打码值表示保持原值"},
}

// Columns lists the columns of a kind's files, in the order export writes
// them.
func Columns(k Kind) []*Column {
	var out []*Column
	for i := range columns {
		if columns[i].Kind == k {
			out = append(out, &columns[i])
		}
	}
	return out
}

// column returns the kind's column with the given alias; it panics on a
// name not in the table (a programming error).
func column(k Kind, alias string) *Column {
	for i := range columns {
		if columns[i].Kind == k && columns[i].Alias == alias {
			return &columns[i]
		}
	}
	panic("transfer: no column " + alias + " for " + string(k))
}

// columnByHeader finds the kind's column a file's header names: its
// Chinese header exactly, or its English alias in any case.
func columnByHeader(k Kind, header string) *Column {
	h := normaliseHeader(header)
	for i := range columns {
		c := &columns[i]
		if c.Kind == k && (h == c.Header || strings.EqualFold(h, c.Alias)) {
			return c
		}
	}
	return nil
}

// normaliseHeader drops what spreadsheets add around a header: a byte
// order mark, spaces (also ideographic ones) and a trailing * or （必填）.
func normaliseHeader(h string) string {
	h = strings.TrimPrefix(h, "\ufeff")
	h = strings.TrimSpace(h)
	h = strings.TrimSuffix(h, "（必填）")
	h = strings.TrimSuffix(h, "(必填)")
	h = strings.TrimSuffix(h, "*")
	return strings.TrimSpace(h)
}

// columnOf is the kind's column that sets the record field a validation
// problem names ("regionCodes[1]", "titles[0].bodyId", "input.period"),
// or nil.
func columnOf(k Kind, path string) *Column {
	path = strings.TrimPrefix(path, "input.")
	if i := strings.IndexAny(path, ".["); i >= 0 {
		path = path[:i]
	}
	for i := range columns {
		if columns[i].Kind == k && columns[i].field == path {
			return &columns[i]
		}
	}
	return nil
}
