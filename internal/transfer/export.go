package transfer

import (
	"cmp"
	"context"
	"fmt"
	"io"
	"slices"
	"strconv"
	"strings"

	"sanfang/internal/auth"
	"sanfang/internal/domain"
	"sanfang/internal/store"
	"sanfang/internal/write"
)

// ExportResult says what an export wrote.
type ExportResult struct {
	Rows int
	// Warnings are rows that will not import back as they are (an
	// enterprise without a credit code, masked contact details, …).
	Warnings []string
}

// Export writes every record of the kind as a file in the format, with
// natural keys (credit codes, names) in place of stored ids, so that
// importing the file into an empty store (with the bodies) makes the same
// records. The principal in ctx must be allowed to read; a person's phone
// and e-mail are written in full only where the policy lets the principal
// see them (and each such reading is audited), masked otherwise.
func Export(ctx context.Context, st *store.Store, svc *write.Service, kind Kind, format Format, w io.Writer) (ExportResult, error) {
	e := &env{st: st, svc: svc, pr: auth.FromContext(ctx)}
	if err := svc.Policy().Authorize(e.pr, auth.ActionRead, auth.Resource{Kind: authKind(kind)}); err != nil {
		return ExportResult{}, err
	}
	if err := e.loadBodies(ctx); err != nil {
		return ExportResult{}, err
	}
	var t *table
	var warnings []string
	var err error
	switch kind {
	case Enterprises:
		t, warnings, err = exportEnterprises(ctx, e)
	case Unions:
		t, warnings, err = exportUnions(ctx, e)
	case Figures:
		t, warnings, err = exportFigures(ctx, e)
	case Activities:
		t, warnings, err = exportActivities(ctx, e)
	case People:
		t, warnings, err = exportPeople(ctx, e)
	default:
		err = fmt.Errorf("unknown kind %q", kind)
	}
	if err != nil {
		return ExportResult{}, err
	}
	if err := writeTable(w, format, t); err != nil {
		return ExportResult{}, err
	}
	return ExportResult{Rows: len(t.rows), Warnings: warnings}, nil
}

func authKind(k Kind) string {
	switch k {
	case Enterprises:
		return auth.KindEnterprise
	case Unions:
		return auth.KindUnion
	case Figures:
		return auth.KindMembershipFigures
	case Activities:
		return auth.KindActivity
	}
	return auth.KindPerson
}

// all reads every record of a collection, page by page, in order.
func all[T any](ctx context.Context, c *store.Collection[T], order store.Order) ([]*T, error) {
	size := 100
	var out []*T
	var after *string
	for {
		p, err := c.Page(ctx, nil, domain.PageArgs{First: &size, After: after}, order)
		if domain.CodeOf(err) == domain.CodeBadUserInput && size > 10 {
			size = 10 // a smaller page cap (SANFANG_MAX_PAGE_SIZE)
			continue
		}
		if err != nil {
			return nil, err
		}
		for _, e := range p.Edges {
			out = append(out, e.Node)
		}
		if !p.HasNextPage || len(p.Edges) == 0 {
			return out, nil
		}
		after = &p.Edges[len(p.Edges)-1].Cursor
	}
}

// ids lists the distinct non-empty ids.
func ids(ss ...[]string) []string {
	return distinct(slices.Concat(ss...))
}

func byIDs[T any](ctx context.Context, c *store.Collection[T], list []string) (map[string]*T, error) {
	if len(list) == 0 {
		return map[string]*T{}, nil
	}
	return c.ByIDs(ctx, list)
}

func regionNames(codes []string) []string {
	out := make([]string, len(codes))
	for i, c := range codes {
		out[i] = regionName(c)
	}
	return out
}

func exportEnterprises(ctx context.Context, e *env) (*table, []string, error) {
	ents, err := all(ctx, e.st.Enterprises, store.EnterpriseOrder(nil))
	if err != nil {
		return nil, nil, err
	}
	slices.SortStableFunc(ents, func(a, b *domain.Enterprise) int {
		return cmp.Or(cmp.Compare(a.NameKey, b.NameKey), cmp.Compare(deref(a.CreditCode), deref(b.CreditCode)))
	})
	t := &table{kind: Enterprises}
	var missing []string
	for _, x := range ents {
		if x.CreditCode == nil {
			missing = append(missing, x.Name)
		}
		c := func(a string) *Column { return column(Enterprises, a) }
		t.rows = append(t.rows, map[*Column]cellOut{
			c("name"): txt(x.Name), c("legalName"): optTxt(x.LegalName), c("brand"): txt(x.Brand), c("brandEn"): txt(x.BrandEn),
			c("creditCode"): optTxt(x.CreditCode), c("regionCodes"): list(regionNames(x.RegionCodes)),
			c("outlets"): num(x.Outlets), c("couriers"): num(x.Couriers), c("employees"): num(x.Employees),
			c("figuresAsOf"): txt(formatDate(x.FiguresAsOf)),
		})
	}
	var warnings []string
	if len(missing) > 0 {
		warnings = append(warnings, fmt.Sprintf("%d 家企业没有统一社会信用代码（%s）：这些行再导入时会被拒绝", len(missing), abbreviate(missing)))
	}
	return t, warnings, nil
}

func exportUnions(ctx context.Context, e *env) (*table, []string, error) {
	unions, err := all(ctx, e.st.Unions, store.UnionOrder(nil))
	if err != nil {
		return nil, nil, err
	}
	byID := map[string]*domain.Union{}
	var entIDs, chairIDs []string
	for _, u := range unions {
		byID[u.ID] = u
		entIDs = append(entIDs, deref(u.EnterpriseID))
		chairIDs = append(chairIDs, deref(u.ChairID))
	}
	ents, err := byIDs(ctx, e.st.Enterprises, ids(entIDs))
	if err != nil {
		return nil, nil, err
	}
	// Federations first (an import writes parents before the unions under
	// them anyway, but a reader sees them in that order too), then by name
	// and enterprise.
	code := func(u *domain.Union) string {
		if ent := ents[deref(u.EnterpriseID)]; ent != nil {
			return deref(ent.CreditCode)
		}
		return ""
	}
	slices.SortStableFunc(unions, func(a, b *domain.Union) int {
		rank := func(u *domain.Union) int {
			if u.EnterpriseID == nil {
				return 0
			}
			return 1
		}
		return cmp.Or(cmp.Compare(rank(a), rank(b)), cmp.Compare(a.NameKey, b.NameKey), cmp.Compare(code(a), code(b)))
	})
	chairs, err := byIDs(ctx, e.st.People, ids(chairIDs))
	if err != nil {
		return nil, nil, err
	}
	var chairNames []string
	for _, p := range chairs {
		chairNames = append(chairNames, p.Name)
	}
	namesakes, err := findIn(ctx, e.st.People, "name", chairNames)
	if err != nil {
		return nil, nil, err
	}
	peopleByName := byName(namesakes, func(p *domain.Person) string { return p.Name })
	t := &table{kind: Unions}
	var noCode []string
	for _, u := range unions {
		code := ""
		if u.EnterpriseID != nil {
			if ent := ents[*u.EnterpriseID]; ent != nil && ent.CreditCode != nil {
				code = *ent.CreditCode
			} else {
				noCode = append(noCode, u.Name)
			}
		}
		parent := ""
		if p := byID[deref(u.ParentID)]; p != nil {
			parent = p.Name
		}
		chair := ""
		if p := chairs[deref(u.ChairID)]; p != nil {
			chair = e.bodies.personRefText(p, peopleByName)
		}
		c := func(a string) *Column { return column(Unions, a) }
		t.rows = append(t.rows, map[*Column]cellOut{
			c("name"): txt(u.Name), c("kind"): txt(unionKindLabel(u.Kind)), c("enterpriseCreditCode"): txt(code),
			c("parentName"): txt(parent), c("foundedOn"): txt(formatDate(u.FoundedOn)),
			c("regionCodes"): list(regionNames(u.RegionCodes)), c("chairName"): txt(chair),
		})
	}
	var warnings []string
	if len(noCode) > 0 {
		warnings = append(warnings, fmt.Sprintf("%d 个企业工会所属的企业没有统一社会信用代码（%s）：这些行再导入时会被拒绝", len(noCode), abbreviate(noCode)))
	}
	return t, warnings, nil
}

func exportFigures(ctx context.Context, e *env) (*table, []string, error) {
	figs, err := all(ctx, e.st.Figures, store.FiguresOrder)
	if err != nil {
		return nil, nil, err
	}
	var unionIDs []string
	for _, f := range figs {
		unionIDs = append(unionIDs, f.UnionID)
	}
	unions, err := byIDs(ctx, e.st.Unions, ids(unionIDs))
	if err != nil {
		return nil, nil, err
	}
	var entIDs []string
	for _, u := range unions {
		entIDs = append(entIDs, deref(u.EnterpriseID))
	}
	ents, err := byIDs(ctx, e.st.Enterprises, ids(entIDs))
	if err != nil {
		return nil, nil, err
	}
	key := func(f *domain.MembershipFigures) (string, string) {
		u := unions[f.UnionID]
		if u == nil {
			return "", ""
		}
		if ent := ents[deref(u.EnterpriseID)]; ent != nil {
			return u.NameKey, deref(ent.CreditCode)
		}
		return u.NameKey, ""
	}
	slices.SortStableFunc(figs, func(a, b *domain.MembershipFigures) int {
		an, ac := key(a)
		bn, bc := key(b)
		return cmp.Or(cmp.Compare(an, bn), cmp.Compare(ac, bc), cmp.Compare(a.Period, b.Period))
	})
	t := &table{kind: Figures}
	var noCode []string
	for _, f := range figs {
		name, code := "", ""
		if u := unions[f.UnionID]; u != nil {
			name = u.Name
			if u.EnterpriseID != nil {
				if ent := ents[*u.EnterpriseID]; ent != nil && ent.CreditCode != nil {
					code = *ent.CreditCode
				} else {
					noCode = append(noCode, u.Name+" "+f.Period)
				}
			}
		}
		c := func(a string) *Column { return column(Figures, a) }
		t.rows = append(t.rows, map[*Column]cellOut{
			c("unionName"): txt(name), c("enterpriseCreditCode"): txt(code), c("period"): txt(f.Period),
			c("employees"): num(f.Employees), c("couriers"): num(f.Couriers), c("members"): num(f.Members),
			c("courierMembers"): num(f.CourierMembers),
		})
	}
	var warnings []string
	if len(noCode) > 0 {
		warnings = append(warnings, fmt.Sprintf("%d 行会员数据的工会所属企业没有统一社会信用代码（%s）：这些行再导入时会被拒绝", len(noCode), abbreviate(noCode)))
	}
	return t, warnings, nil
}

func exportActivities(ctx context.Context, e *env) (*table, []string, error) {
	acts, err := all(ctx, e.st.Activities, store.ActivityOrder(nil))
	if err != nil {
		return nil, nil, err
	}
	slices.SortStableFunc(acts, func(a, b *domain.Activity) int {
		return cmp.Or(a.Date.Compare(b.Date), cmp.Compare(a.Title, b.Title), cmp.Compare(deref(a.ExternalID), deref(b.ExternalID)))
	})
	var entIDs, unionIDs, taskIDs []string
	for _, a := range acts {
		entIDs = append(entIDs, a.EnterpriseIDs...)
		unionIDs = append(unionIDs, a.UnionIDs...)
		taskIDs = append(taskIDs, deref(a.TaskID))
	}
	unions, err := byIDs(ctx, e.st.Unions, ids(unionIDs))
	if err != nil {
		return nil, nil, err
	}
	var names []string
	for _, u := range unions {
		names = append(names, u.Name)
		entIDs = append(entIDs, deref(u.EnterpriseID))
	}
	namesakes, err := findIn(ctx, e.st.Unions, "name", names)
	if err != nil {
		return nil, nil, err
	}
	unionsByName := byName(namesakes, func(u *domain.Union) string { return u.Name })
	ents, err := byIDs(ctx, e.st.Enterprises, ids(entIDs))
	if err != nil {
		return nil, nil, err
	}
	tasks, err := byIDs(ctx, e.st.Tasks, ids(taskIDs))
	if err != nil {
		return nil, nil, err
	}
	var planIDs []string
	for _, t := range tasks {
		planIDs = append(planIDs, t.PlanID)
	}
	plans, err := byIDs(ctx, e.st.Plans, ids(planIDs))
	if err != nil {
		return nil, nil, err
	}
	t := &table{kind: Activities}
	var unkeyed []string
	for _, a := range acts {
		codes := make([]string, 0, len(a.EnterpriseIDs))
		for _, id := range a.EnterpriseIDs {
			ent := ents[id]
			if ent == nil || ent.CreditCode == nil {
				unkeyed = append(unkeyed, a.Title)
				continue
			}
			codes = append(codes, *ent.CreditCode)
		}
		refs := make([]string, 0, len(a.UnionIDs))
		for _, id := range a.UnionIDs {
			u := unions[id]
			if u == nil {
				continue
			}
			ref := u.Name
			if len(unionsByName[u.Name]) > 1 {
				if ent := ents[deref(u.EnterpriseID)]; ent != nil && ent.CreditCode != nil {
					ref += "（" + *ent.CreditCode + "）"
				} else {
					unkeyed = append(unkeyed, a.Title)
				}
			}
			refs = append(refs, ref)
		}
		planTitle, taskNumber := "", ""
		if task := tasks[deref(a.TaskID)]; task != nil {
			if p := plans[task.PlanID]; p != nil {
				planTitle, taskNumber = p.Title, strconv.Itoa(task.Number)
			}
		}
		region := ""
		if a.RegionCode != nil {
			region = regionName(*a.RegionCode)
		}
		c := func(al string) *Column { return column(Activities, al) }
		t.rows = append(t.rows, map[*Column]cellOut{
			c("externalId"): optTxt(a.ExternalID), c("kind"): txt(activityKindLabel(a.Kind)), c("title"): txt(a.Title),
			c("organiser"): txt(e.bodies.short(a.OrganiserBodyID)), c("date"): txt(formatDate(&a.Date)),
			c("endDate"): txt(formatDate(a.EndDate)), c("regionCode"): txt(region),
			c("enterpriseCreditCodes"): list(codes), c("unionNames"): list(refs), c("participantCount"): num(a.ParticipantCount),
			c("planTitle"): txt(planTitle), c("taskNumber"): txt(taskNumber),
		})
	}
	var warnings []string
	if len(unkeyed) > 0 {
		warnings = append(warnings, fmt.Sprintf("%d 个活动引用的企业没有统一社会信用代码（%s）：这些引用再导入时会缺失或被拒绝", len(distinct(unkeyed)), abbreviate(distinct(unkeyed))))
	}
	return t, warnings, nil
}

func exportPeople(ctx context.Context, e *env) (*table, []string, error) {
	people, err := all(ctx, e.st.People, store.PersonOrder)
	if err != nil {
		return nil, nil, err
	}
	slices.SortStableFunc(people, func(a, b *domain.Person) int {
		return cmp.Or(cmp.Compare(a.NameKey, b.NameKey), cmp.Compare(personKey(a.Name, a.BodyIDs()), personKey(b.Name, b.BodyIDs())))
	})
	t := &table{kind: People}
	hidden := 0
	for _, p := range people {
		titles := make([]string, len(p.Titles))
		for i, ti := range p.Titles {
			titles[i] = e.bodies.short(ti.BodyID) + ":" + ti.Title
		}
		phone, email := deref(p.Phone), deref(p.Email)
		if phone != "" || email != "" {
			bodies := make([]domain.BodyCode, 0, len(p.Titles))
			for _, id := range p.BodyIDs() {
				bodies = append(bodies, domain.BodyCode(id))
			}
			res := auth.Resource{Kind: auth.KindPerson, PersonBodies: bodies}
			if e.svc.Policy().Authorize(e.pr, auth.ActionReadPersonalData, res) != nil {
				phone, email = auth.MaskPhone(phone), auth.MaskEmail(email)
				hidden++
			} else {
				for _, f := range []struct{ name, v string }{{"phone", phone}, {"email", email}} {
					if f.v == "" {
						continue
					}
					if err := e.svc.AuditRead(ctx, "readPersonalData", auth.KindPerson, p.ID, f.name); err != nil {
						return nil, nil, err
					}
				}
			}
		}
		c := func(a string) *Column { return column(People, a) }
		t.rows = append(t.rows, map[*Column]cellOut{
			c("name"): txt(p.Name), c("titles"): list(titles), c("phone"): txt(phone), c("email"): txt(email),
		})
	}
	var warnings []string
	if hidden > 0 {
		warnings = append(warnings, fmt.Sprintf("%d 人的电话或邮箱已打码（这个凭据无权查看）：再导入时打码的值保持库中原值", hidden))
	}
	return t, warnings, nil
}

// abbreviate lists up to three names and says how many more there are.
func abbreviate(names []string) string {
	if len(names) <= 3 {
		return strings.Join(names, "、")
	}
	return fmt.Sprintf("%s 等", strings.Join(names[:3], "、"))
}
