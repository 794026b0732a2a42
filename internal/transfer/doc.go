// Package transfer imports and exports enterprises, unions, membership
// figures, activities and people as CSV, JSON and XLSX files, the way the
// bodies keep them in spreadsheets: Chinese headers (English aliases
// accepted), natural keys instead of stored ids. It writes through package
// write, so an import has exactly the rights of its credential's mutations
// and every write is audited; it reads through package store. Nothing here
// knows GraphQL.
//
// # Columns
//
// The one table is columns (columns.go); Columns lists a kind's. Import
// accepts a column's Chinese header or its English alias (any case) and
// needs every key column (K); export writes the Chinese headers, and JSON
// uses the aliases as keys. N marks columns required when a row creates a
// record.
//
//	enterprises (企业)       企业名称 name N · 注册名称 legalName · 品牌 brand N · 品牌英文名 brandEn ·
//	                         统一社会信用代码 creditCode K · 所在城市 regionCodes (list) · 网点数 outlets ·
//	                         快递员数 couriers · 从业人员数 employees · 数据截至 figuresAsOf (date)
//	people (人员)            姓名 name K · 职务 titles K (机构:职务；机构:职务) · 电话 phone · 邮箱 email
//	unions (工会)            工会名称 name K · 类型 kind · 所属企业信用代码 enterpriseCreditCode K ·
//	                         上级工会 parentName · 成立日期 foundedOn · 城市 regionCodes (list) · 主席 chairName
//	figures (会员数据)       工会名称 unionName K · 所属企业信用代码 enterpriseCreditCode K · 期间 period K ·
//	                         职工数 employees · 快递员数 couriers · 会员数 members · 快递员会员数 courierMembers
//	activities (活动)        外部编号 externalId K* · 类型 kind N · 名称 title N · 组织单位 organiser N ·
//	                         日期 date N · 结束日期 endDate · 城市 regionCode · 参与企业信用代码
//	                         enterpriseCreditCodes (list) · 参与工会 unionNames (list) · 参与人数
//	                         participantCount · 所属计划 planTitle · 任务序号 taskNumber
//
// (*) An activity without an external id is found by its title, date and
// organiser, so a file without 外部编号 needs those three columns.
//
// # Values
//
// Lists are separated by 、 , ， ; or ； (a person's titles by ； or ; only,
// as a title may hold 、). Cities are names (太原市, 太原) or codes (140100).
// Bodies are short names (省邮政管理局), names or codes (POSTAL). Dates are
// YYYY-MM-DD (also 2026/3/1, 2026年3月1日, or an Excel date); months
// YYYY-MM. Enums are the Chinese labels or the codes. A reference is a
// natural key: an enterprise by credit code; a union by name, qualified by
// its enterprise's credit code in parentheses where unions share the name;
// a person by name, qualified by the bodies of the person's titles where
// people share it (张三（省总工会）, 张三（无职务）); a task by its plan's title
// and its number.
//
// # Import
//
// One batched look-up per kind of record referred to (enterprises by
// credit code, unions by name, people by name, plans by title, tasks by
// plan, the stored records by their keys), then every row is read over a
// copy of the stored record with its key — a column the file leaves out
// keeps the stored value, an empty cell clears it — validated (domain
// Validate), checked for repeated keys and authorised by the policy as the
// write service would (as the record will be and, for an update, as it is).
// A dry run stops there and reports; a file with bad rows writes nothing
// unless SkipBadRows (then bad rows are refused through write.Reject, and
// audited). Rows are written with write.Upsert where the store knows the
// natural key (enterprises, enterprise unions, figures, activities with an
// external id), else with write.Create / write.Update on the record the
// key found: regional federations (no enterprise), activities without an
// external id, and people (exactly one person of the name and the same set
// of bodies is updated, none means a new person, several is a bad row). A
// federation new in the file is written before the unions under it. Before
// writing, the four bodies are loaded from the seed set where the store
// lacks them (nothing else of the seed set).
package transfer
