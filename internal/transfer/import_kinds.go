package transfer

import (
	"context"
	"fmt"
	"slices"
	"strconv"
	"strings"
	"time"

	"go.mongodb.org/mongo-driver/v2/bson"

	"sanfang/internal/auth"
	"sanfang/internal/domain"
	"sanfang/internal/write"
)

// Each kind's rows: the batched look-ups of every record the file refers
// to (one query per kind of record), then each row read over a copy of the
// stored record with its key (columns the file leaves out keep their
// stored values), then process.

var enterpriseSpec = spec[domain.Enterprise]{
	kind: Enterprises, wk: write.Enterprises,
	id: func(e *domain.Enterprise) *string { return &e.ID },
	resource: func(e *domain.Enterprise) auth.Resource {
		return auth.Resource{Kind: auth.KindEnterprise, Owner: domain.BodyPostal, EnterpriseID: e.ID}
	},
}

func importEnterprises(ctx context.Context, e *env, sh *sheet, opts Options) (*Report, error) {
	cCode := column(Enterprises, "creditCode")
	var codes []string
	for _, r := range sh.rows {
		codes = append(codes, normaliseCreditCode(r.text(cCode)))
	}
	byCode, err := enterprisesByCode(ctx, e.st, codes)
	if err != nil {
		return nil, err
	}
	items := make([]*item[domain.Enterprise], 0, len(sh.rows))
	for _, r := range sh.rows {
		it := newItem[domain.Enterprise](r)
		code, err := creditCodeCell(r.text(cCode))
		switch {
		case code == "":
			it.add(cCode, "必填：统一社会信用代码是企业的自然键")
			it.keyBad = true
		case err != nil:
			it.addErr(cCode, err)
			it.keyBad = true
		}
		it.existing = byCode[code]
		rec := cloneRec(it.existing, func() *domain.Enterprise { return &domain.Enterprise{RegionCodes: []string{}} })
		rec.CreditCode = optString(code)
		if c := column(Enterprises, "name"); r.has(c) {
			rec.Name = r.text(c)
		}
		if c := column(Enterprises, "legalName"); r.has(c) {
			rec.LegalName = optString(r.text(c))
		}
		if c := column(Enterprises, "brand"); r.has(c) {
			rec.Brand = r.text(c)
		}
		if c := column(Enterprises, "brandEn"); r.has(c) {
			rec.BrandEn = r.text(c)
		}
		if c := column(Enterprises, "regionCodes"); r.has(c) {
			rec.RegionCodes = it.regions(c)
		}
		it.count(column(Enterprises, "outlets"), &rec.Outlets)
		it.count(column(Enterprises, "couriers"), &rec.Couriers)
		it.count(column(Enterprises, "employees"), &rec.Employees)
		it.date(column(Enterprises, "figuresAsOf"), &rec.FiguresAsOf)
		it.rec, it.upsert = rec, true
		if !it.keyBad {
			it.key, it.show = code, strings.TrimSpace(rec.Name+" "+code)
		}
		items = append(items, it)
	}
	return process[domain.Enterprise, *domain.Enterprise](ctx, e, enterpriseSpec, sh, items, opts)
}

var personSpec = spec[domain.Person]{
	kind: People, wk: write.People,
	id: func(p *domain.Person) *string { return &p.ID },
	resource: func(p *domain.Person) auth.Resource {
		bodies := make([]domain.BodyCode, 0, len(p.Titles))
		for _, id := range p.BodyIDs() {
			bodies = append(bodies, domain.BodyCode(id))
		}
		return auth.Resource{Kind: auth.KindPerson, Editors: bodies, PersonBodies: bodies}
	},
}

// importPeople matches each row to a stored person by name and the set of
// bodies of the person's titles: exactly one such person is updated, none
// means a new person, and several (people the file cannot tell apart) is
// a bad row.
func importPeople(ctx context.Context, e *env, sh *sheet, opts Options) (*Report, error) {
	cName, cTitles := column(People, "name"), column(People, "titles")
	cPhone, cEmail := column(People, "phone"), column(People, "email")
	if err := e.loadBodies(ctx); err != nil {
		return nil, err
	}
	var names []string
	for _, r := range sh.rows {
		names = append(names, r.text(cName))
	}
	found, err := findIn(ctx, e.st.People, "name", names)
	if err != nil {
		return nil, err
	}
	byKey := byName(found, func(p *domain.Person) string { return personKey(p.Name, p.BodyIDs()) })
	items := make([]*item[domain.Person], 0, len(sh.rows))
	for _, r := range sh.rows {
		it := newItem[domain.Person](r)
		name := r.text(cName)
		if name == "" {
			it.add(cName, "必填：姓名与职务所在机构一起识别人员")
			it.keyBad = true
		}
		titles := []domain.Title{}
		for _, t := range r.list(cTitles) {
			body, title, ok := strings.Cut(strings.Replace(t, "：", ":", 1), ":")
			if !ok || clean(title) == "" {
				it.add(cTitles, "“%s”应写成 机构:职务，如 省邮政管理局:党组书记、局长", t)
				it.keyBad = true
				continue
			}
			id, err := e.bodies.resolve(body)
			if err != nil {
				it.addErr(cTitles, err)
				it.keyBad = true
				continue
			}
			titles = append(titles, domain.Title{BodyID: id, Title: clean(title)})
		}
		key := personKey(name, titleBodies(titles))
		switch matches := byKey[key]; {
		case it.keyBad:
		case len(matches) == 1:
			it.existing = matches[0]
		case len(matches) > 1:
			it.add(nil, "库中有 %d 位“%s”的职务都在这些机构，文件无法区分他们：请在系统中逐个修改", len(matches), name)
			it.keyBad = true
		}
		rec := cloneRec(it.existing, func() *domain.Person { return &domain.Person{} })
		rec.Name, rec.Titles = name, titles
		for _, f := range []struct {
			c   *Column
			dst **string
		}{{cPhone, &rec.Phone}, {cEmail, &rec.Email}} {
			if !r.has(f.c) {
				continue
			}
			v := r.text(f.c)
			if !masked(v) {
				*f.dst = optString(v)
				continue
			}
			// A masked value is what export writes for a caller who may not
			// see contact details: it keeps the stored value.
			if it.existing == nil {
				it.add(f.c, "“%s”是打码的值，不能用于新建人员：请填写完整，或留空", v)
			}
		}
		it.rec = rec
		if !it.keyBad {
			it.key, it.show = key, name
		}
		items = append(items, it)
	}
	return process[domain.Person, *domain.Person](ctx, e, personSpec, sh, items, opts)
}

var unionSpec = spec[domain.Union]{
	kind: Unions, wk: write.Unions,
	id: func(u *domain.Union) *string { return &u.ID },
	resource: func(u *domain.Union) auth.Resource {
		return auth.Resource{Kind: auth.KindUnion, Owner: domain.BodyUnion, EnterpriseID: deref(u.EnterpriseID)}
	},
}

// importUnions writes enterprise unions by their natural key (enterprise
// and name) with write.Upsert, and regional federations (no enterprise)
// by name with write.Create or write.Update. A parent federation new in
// the same file is written before the unions under it.
func importUnions(ctx context.Context, e *env, sh *sheet, opts Options) (*Report, error) {
	cName, cKind, cEnt := column(Unions, "name"), column(Unions, "kind"), column(Unions, "enterpriseCreditCode")
	cParent, cChair := column(Unions, "parentName"), column(Unions, "chairName")
	if err := e.loadBodies(ctx); err != nil {
		return nil, err
	}
	var codes, names, chairs []string
	for _, r := range sh.rows {
		codes = append(codes, normaliseCreditCode(r.text(cEnt)))
		names = append(names, r.text(cName), r.text(cParent))
		if s := r.text(cChair); s != "" {
			chairs = append(chairs, e.bodies.parsePersonRef(s).name)
		}
	}
	ents, err := enterprisesByCode(ctx, e.st, codes)
	if err != nil {
		return nil, err
	}
	stored, err := findIn(ctx, e.st.Unions, "name", names)
	if err != nil {
		return nil, err
	}
	people, err := findIn(ctx, e.st.People, "name", chairs)
	if err != nil {
		return nil, err
	}
	unionsByName := byName(stored, func(u *domain.Union) string { return u.Name })
	peopleByName := byName(people, func(p *domain.Person) string { return p.Name })
	federation := func(name string) *domain.Union {
		for _, u := range unionsByName[name] {
			if u.EnterpriseID == nil {
				return u
			}
		}
		return nil
	}

	items := make([]*item[domain.Union], 0, len(sh.rows))
	fileFeds := map[string]*item[domain.Union]{}
	for _, r := range sh.rows {
		it := newItem[domain.Union](r)
		name := r.text(cName)
		if name == "" {
			it.add(cName, "必填：工会名称与所属企业信用代码一起是工会的自然键")
			it.keyBad = true
		}
		code, err := creditCodeCell(r.text(cEnt))
		var ent *domain.Enterprise
		switch {
		case err != nil:
			it.addErr(cEnt, err)
			it.keyBad = true
		case code != "":
			if ent = ents[code]; ent == nil {
				it.add(cEnt, "没有统一社会信用代码为 %s 的企业：先导入企业", code)
				it.keyBad = true
			}
		}
		if !it.keyBad {
			if ent == nil {
				it.existing = federation(name)
			} else {
				for _, u := range unionsByName[name] {
					if deref(u.EnterpriseID) == ent.ID {
						it.existing = u
					}
				}
			}
		}
		rec := cloneRec(it.existing, func() *domain.Union { return &domain.Union{RegionCodes: []string{}} })
		rec.Name, rec.EnterpriseID = name, nil
		if ent != nil {
			rec.EnterpriseID = &ent.ID
		}
		kindText := r.text(cKind)
		switch {
		case kindText != "":
			k, err := parseUnionKind(kindText)
			if err != nil {
				it.addErr(cKind, err)
			}
			rec.Kind = k
		case r.has(cKind) || it.existing == nil:
			// Left empty: a union of an enterprise is an enterprise union;
			// one without is a regional federation.
			rec.Kind = domain.UnionRegionalFederation
			if code != "" {
				rec.Kind = domain.UnionEnterprise
			}
		}
		if c := column(Unions, "regionCodes"); r.has(c) {
			rec.RegionCodes = it.regions(c)
		}
		it.date(column(Unions, "foundedOn"), &rec.FoundedOn)
		if r.has(cChair) {
			rec.ChairID = nil
			if s := r.text(cChair); s != "" {
				p, msg := e.bodies.parsePersonRef(s).find(peopleByName)
				if msg != "" {
					it.add(cChair, "%s", msg)
				} else {
					rec.ChairID = &p.ID
				}
			}
		}
		it.rec = rec
		it.upsert = ent != nil
		if !it.keyBad {
			it.key, it.show = code+"|"+name, name
			if ent == nil {
				if _, dup := fileFeds[name]; !dup {
					fileFeds[name] = it
				}
			}
		}
		items = append(items, it)
	}

	// Parents: a stored federation, or one new in this file (written first).
	for _, it := range items {
		if !it.row.has(cParent) {
			continue
		}
		it.rec.ParentID = nil
		pn := it.row.text(cParent)
		if pn == "" {
			continue
		}
		if p := federation(pn); p != nil {
			it.rec.ParentID = &p.ID
			continue
		}
		p := fileFeds[pn]
		if p == nil {
			it.add(cParent, "没有名为“%s”的区域快递行业工会联合会（库中和本文件中都没有）", pn)
			continue
		}
		it.dep, it.depCol = p, cParent
		// A placeholder until the parent is written; validation checks only
		// that it is set.
		placeholder := "row-" + strconv.Itoa(p.row.num)
		it.rec.ParentID = &placeholder
		it.beforeWrite = func() {
			if p.id == "" {
				it.add(cParent, "上级工会“%s”（%s）没有写入", pn, p.row.label)
				return
			}
			it.rec.ParentID = &p.id
		}
	}
	for _, it := range items {
		if it.dep != nil {
			var seen []*item[domain.Union]
			for p := it; p.dep != nil; p = p.dep {
				if slices.Contains(seen, p) {
					it.add(cParent, "上级工会形成了循环（%s）", it.row.label)
					it.dep = nil
					break
				}
				seen = append(seen, p)
			}
			it.depth = len(seen)
		}
	}
	return process[domain.Union, *domain.Union](ctx, e, unionSpec, sh, items, opts)
}

// importFigures writes a union's figures for a month by their natural key
// (union and period).
func importFigures(ctx context.Context, e *env, sh *sheet, opts Options) (*Report, error) {
	cName, cEnt, cPeriod := column(Figures, "unionName"), column(Figures, "enterpriseCreditCode"), column(Figures, "period")
	var codes, names []string
	for _, r := range sh.rows {
		codes = append(codes, normaliseCreditCode(r.text(cEnt)))
		names = append(names, r.text(cName))
	}
	ents, err := enterprisesByCode(ctx, e.st, codes)
	if err != nil {
		return nil, err
	}
	unions, err := findIn(ctx, e.st.Unions, "name", names)
	if err != nil {
		return nil, err
	}
	unionsByName := byName(unions, func(u *domain.Union) string { return u.Name })
	unionByID := map[string]*domain.Union{}
	for _, u := range unions {
		unionByID[u.ID] = u
	}

	type figureRow struct {
		it     *item[domain.MembershipFigures]
		union  *domain.Union
		period string
	}
	rows := make([]figureRow, 0, len(sh.rows))
	var unionIDs []string
	for _, r := range sh.rows {
		fr := figureRow{it: newItem[domain.MembershipFigures](r)}
		it := fr.it
		name := r.text(cName)
		if name == "" {
			it.add(cName, "必填：工会名称")
			it.keyBad = true
		}
		code, err := creditCodeCell(r.text(cEnt))
		switch {
		case err != nil:
			it.addErr(cEnt, err)
			it.keyBad = true
		case name == "":
		case code == "":
			for _, u := range unionsByName[name] {
				if u.EnterpriseID == nil {
					fr.union = u
				}
			}
			if fr.union == nil {
				it.add(cName, "没有名为“%s”的区域快递行业工会联合会（企业工会要填所属企业信用代码）：先导入工会", name)
				it.keyBad = true
			}
		default:
			for _, u := range unionsByName[name] {
				if ents[code] != nil && deref(u.EnterpriseID) == ents[code].ID {
					fr.union = u
				}
			}
			if fr.union == nil {
				it.add(cName, "没有所属企业信用代码为 %s、名为“%s”的工会：先导入工会", code, name)
				it.keyBad = true
			}
		}
		fr.period, err = parsePeriod(r.text(cPeriod))
		switch {
		case err != nil:
			it.addErr(cPeriod, err)
			it.keyBad = true
		case fr.period == "":
			it.add(cPeriod, "必填：数据所属的月份，YYYY-MM")
			it.keyBad = true
		}
		if fr.union != nil {
			unionIDs = append(unionIDs, fr.union.ID)
		}
		rows = append(rows, fr)
	}
	stored, err := findIn(ctx, e.st.Figures, "unionId", unionIDs)
	if err != nil {
		return nil, err
	}
	byKey := map[string]*domain.MembershipFigures{}
	for _, f := range stored {
		byKey[f.UnionID+"|"+f.Period] = f
	}
	sp := spec[domain.MembershipFigures]{
		kind: Figures, wk: write.Figures,
		id: func(f *domain.MembershipFigures) *string { return &f.ID },
		resource: func(f *domain.MembershipFigures) auth.Resource {
			res := auth.Resource{Kind: auth.KindMembershipFigures, Owner: domain.BodyUnion}
			if u := unionByID[f.UnionID]; u != nil {
				res.EnterpriseID = deref(u.EnterpriseID)
			}
			return res
		},
	}
	items := make([]*item[domain.MembershipFigures], len(rows))
	for i, fr := range rows {
		it := fr.it
		unionID := ""
		if fr.union != nil {
			unionID = fr.union.ID
		}
		if !it.keyBad {
			it.existing = byKey[unionID+"|"+fr.period]
		}
		rec := cloneRec(it.existing, func() *domain.MembershipFigures { return &domain.MembershipFigures{} })
		rec.UnionID, rec.Period = unionID, fr.period
		it.count(column(Figures, "employees"), &rec.Employees)
		it.count(column(Figures, "couriers"), &rec.Couriers)
		it.count(column(Figures, "members"), &rec.Members)
		it.count(column(Figures, "courierMembers"), &rec.CourierMembers)
		it.rec, it.upsert = rec, true
		if !it.keyBad {
			it.key, it.show = unionID+"|"+fr.period, fr.union.Name+" "+fr.period
		}
		items[i] = it
	}
	return process[domain.MembershipFigures, *domain.MembershipFigures](ctx, e, sp, sh, items, opts)
}

var activitySpec = spec[domain.Activity]{
	kind: Activities, wk: write.Activities,
	id: func(a *domain.Activity) *string { return &a.ID },
	resource: func(a *domain.Activity) auth.Resource {
		res := auth.Resource{Kind: auth.KindActivity, Owner: domain.BodyUnion}
		// As the write service sees it: an activity belongs to an
		// enterprise when every enterprise it names is that one.
		if len(a.EnterpriseIDs) > 0 && !slices.ContainsFunc(a.EnterpriseIDs, func(id string) bool { return id != a.EnterpriseIDs[0] }) {
			res.EnterpriseID = a.EnterpriseIDs[0]
		}
		return res
	},
}

// importActivities writes activities with an external id by it
// (write.Upsert); one without is found by its title, date and organiser
// and written with write.Create or write.Update.
func importActivities(ctx context.Context, e *env, sh *sheet, opts Options) (*Report, error) {
	c := func(alias string) *Column { return column(Activities, alias) }
	cExt, cTitle, cDate, cOrg := c("externalId"), c("title"), c("date"), c("organiser")
	cEnts, cUnions, cPlan, cNumber := c("enterpriseCreditCodes"), c("unionNames"), c("planTitle"), c("taskNumber")
	if err := e.loadBodies(ctx); err != nil {
		return nil, err
	}
	var codes, unionNames, plans, extIDs, titles []string
	for _, r := range sh.rows {
		codes = append(codes, r.list(cEnts)...)
		for _, s := range r.list(cUnions) {
			ref := parseUnionRef(s)
			unionNames = append(unionNames, ref.name)
			codes = append(codes, ref.creditCode)
		}
		plans = append(plans, r.text(cPlan))
		if ext := r.text(cExt); ext != "" {
			extIDs = append(extIDs, ext)
		} else {
			titles = append(titles, r.text(cTitle))
		}
	}
	for i := range codes {
		codes[i] = normaliseCreditCode(codes[i])
	}
	ents, err := enterprisesByCode(ctx, e.st, codes)
	if err != nil {
		return nil, err
	}
	unions, err := findIn(ctx, e.st.Unions, "name", unionNames)
	if err != nil {
		return nil, err
	}
	unionsByName := byName(unions, func(u *domain.Union) string { return u.Name })
	storedPlans, err := findIn(ctx, e.st.Plans, "title", plans)
	if err != nil {
		return nil, err
	}
	plansByTitle := byName(storedPlans, func(p *domain.Plan) string { return p.Title })
	planIDs := make([]string, len(storedPlans))
	for i, p := range storedPlans {
		planIDs[i] = p.ID
	}
	tasks, err := findIn(ctx, e.st.Tasks, "planId", planIDs)
	if err != nil {
		return nil, err
	}
	taskByKey := map[string]*domain.Task{}
	for _, t := range tasks {
		taskByKey[t.PlanID+"#"+strconv.Itoa(t.Number)] = t
	}
	byExt := map[string]*domain.Activity{}
	found, err := findIn(ctx, e.st.Activities, "externalId", extIDs)
	if err != nil {
		return nil, err
	}
	for _, a := range found {
		byExt[deref(a.ExternalID)] = a
	}
	var byTitle map[string][]*domain.Activity
	if len(distinct(titles)) > 0 {
		found, err := e.st.Activities.FindIn(ctx, "title", distinct(titles), bson.D{{Key: "externalId", Value: bson.D{{Key: "$exists", Value: false}}}}, nil)
		if err != nil {
			return nil, err
		}
		byTitle = byName(found, func(a *domain.Activity) string { return a.Title })
	}

	items := make([]*item[domain.Activity], 0, len(sh.rows))
	for _, r := range sh.rows {
		it := newItem[domain.Activity](r)
		ext := r.text(cExt)
		// The fields of the key without an external id, read first.
		title := r.text(cTitle)
		date, err := parseDate(r.text(cDate))
		if err != nil {
			it.addErr(cDate, err)
		}
		org := ""
		if s := r.text(cOrg); s != "" {
			if org, err = e.bodies.resolve(s); err != nil {
				it.addErr(cOrg, err)
			}
		}
		if ext != "" {
			it.existing = byExt[ext]
			it.key, it.show = "ext|"+ext, ext
		} else if !it.bad() {
			if title == "" || date == nil || org == "" {
				it.add(nil, "没有外部编号时，名称、日期、组织单位都必须填写：用它们找到同一活动")
				it.keyBad = true
			} else {
				var matches []*domain.Activity
				for _, a := range byTitle[title] {
					if a.Date.Equal(*date) && a.OrganiserBodyID == org {
						matches = append(matches, a)
					}
				}
				if len(matches) > 1 {
					it.add(nil, "库中有 %d 个同名、同日期、同组织单位的活动，文件无法区分：请给它们外部编号，或在系统中修改", len(matches))
					it.keyBad = true
				} else if len(matches) == 1 {
					it.existing = matches[0]
				}
				it.key, it.show = fmt.Sprintf("title|%s|%s|%s", title, formatDate(date), org), title+" "+formatDate(date)
			}
		} else {
			it.keyBad = true
		}
		rec := cloneRec(it.existing, func() *domain.Activity {
			return &domain.Activity{EnterpriseIDs: []string{}, UnionIDs: []string{}}
		})
		if r.has(cExt) {
			rec.ExternalID = optString(ext)
		}
		if r.has(cTitle) {
			rec.Title = title
		}
		if r.has(cDate) {
			rec.Date = time.Time{}
			if date != nil {
				rec.Date = *date
			}
		}
		if r.has(cOrg) {
			rec.OrganiserBodyID = org
		}
		if k := c("kind"); r.has(k) {
			rec.Kind = ""
			if s := r.text(k); s != "" {
				if rec.Kind, err = parseActivityKind(s); err != nil {
					it.addErr(k, err)
				}
			}
		}
		it.date(c("endDate"), &rec.EndDate)
		if rc := c("regionCode"); r.has(rc) {
			rec.RegionCode = nil
			if s := r.text(rc); s != "" {
				code, err := parseRegion(s)
				if err != nil {
					it.addErr(rc, err)
				} else {
					rec.RegionCode = &code
				}
			}
		}
		if r.has(cEnts) {
			rec.EnterpriseIDs = []string{}
			for _, s := range r.list(cEnts) {
				code, err := creditCodeCell(s)
				switch {
				case err != nil:
					it.addErr(cEnts, err)
				case ents[code] == nil:
					it.add(cEnts, "没有统一社会信用代码为 %s 的企业：先导入企业", code)
				default:
					rec.EnterpriseIDs = append(rec.EnterpriseIDs, ents[code].ID)
				}
			}
		}
		if r.has(cUnions) {
			rec.UnionIDs = []string{}
			for _, s := range r.list(cUnions) {
				u, msg := parseUnionRef(s).find(unionsByName, ents)
				if msg != "" {
					it.add(cUnions, "%s", msg)
					continue
				}
				rec.UnionIDs = append(rec.UnionIDs, u.ID)
			}
		}
		it.count(c("participantCount"), &rec.ParticipantCount)
		if r.has(cPlan) || r.has(cNumber) {
			rec.TaskID = nil
			pt, num := r.text(cPlan), r.text(cNumber)
			switch plans := plansByTitle[pt]; {
			case pt == "" && num == "":
			case pt == "" || num == "":
				it.add(cPlan, "所属计划和任务序号要一起填（或都留空）")
			case len(plans) == 0:
				it.add(cPlan, "没有标题为“%s”的联合工作方案", pt)
			case len(plans) > 1:
				it.add(cPlan, "有 %d 个标题为“%s”的方案，无法确定是哪一个", len(plans), pt)
			default:
				n, err := parseCount(num)
				if t := taskByKey[plans[0].ID+"#"+strconv.Itoa(deref0(n))]; err == nil && n != nil && t != nil {
					rec.TaskID = &t.ID
				} else {
					it.add(c("taskNumber"), "“%s”中没有序号为 %s 的任务", pt, num)
				}
			}
		}
		it.rec, it.upsert = rec, ext != ""
		items = append(items, it)
	}
	return process[domain.Activity, *domain.Activity](ctx, e, activitySpec, sh, items, opts)
}

func deref0(n *int) int {
	if n == nil {
		return 0
	}
	return *n
}
