package transfer

import (
	"context"
	"fmt"
	"slices"
	"strings"

	"sanfang/internal/auth"
	"sanfang/internal/domain"
	"sanfang/internal/seed"
	"sanfang/internal/store"
	"sanfang/internal/write"
)

// env is what an import or export works with.
type env struct {
	st  *store.Store
	svc *write.Service
	pr  *auth.Principal
	// bodies are the four bodies: the store's, and the seed set's where the
	// store lacks them.
	bodies *bodyIndex
}

// bodyIndex finds the bodies by code, short name or name.
type bodyIndex struct {
	list   []domain.Body
	stored map[string]bool
}

// loadBodies reads the store's bodies (one query) and adds the seed set's
// where the store has none: the bodies are fixed reference data, and an
// import loads the missing ones before it writes (ensureBodies).
func (e *env) loadBodies(ctx context.Context) error {
	if e.bodies != nil {
		return nil
	}
	stored, err := e.st.Bodies.FindIn(ctx, "_id", domain.Strings(domain.BodyCodes), nil, nil)
	if err != nil {
		return err
	}
	idx := &bodyIndex{stored: map[string]bool{}}
	for _, b := range stored {
		idx.list = append(idx.list, *b)
		idx.stored[b.ID] = true
	}
	ds, err := seed.JointMeeting()
	if err != nil {
		return err
	}
	for _, b := range ds.Bodies {
		if !idx.stored[b.ID] {
			idx.list = append(idx.list, b)
		}
	}
	e.bodies = idx
	return nil
}

// ensureBodies loads the seed set's bodies the store lacks (nothing else of
// the seed set), so that an import into an empty store can name them.
func (e *env) ensureBodies(ctx context.Context) error {
	if err := e.loadBodies(ctx); err != nil {
		return err
	}
	var missing []domain.Body
	for _, b := range e.bodies.list {
		if !e.bodies.stored[b.ID] {
			missing = append(missing, b)
		}
	}
	if len(missing) == 0 {
		return nil
	}
	if _, err := e.st.Load(ctx, &seed.Dataset{Bodies: missing}); err != nil {
		return fmt.Errorf("load the bodies: %w", err)
	}
	for _, b := range missing {
		e.bodies.stored[b.ID] = true
	}
	return nil
}

// resolve finds a body by its code (any case), short name or name.
func (b *bodyIndex) resolve(s string) (string, error) {
	s = clean(s)
	for _, body := range b.list {
		if strings.EqualFold(s, string(body.Code)) || s == body.ShortName || s == body.Name {
			return body.ID, nil
		}
	}
	return "", fmt.Errorf("%q 不是机构：请写 %s（或代码 %s）", s, b.shortNames(), strings.Join(domain.Strings(domain.BodyCodes), "、"))
}

func (b *bodyIndex) shortNames() string {
	var names []string
	for _, code := range domain.BodyCodes {
		names = append(names, b.short(string(code)))
	}
	return strings.Join(names, "、")
}

// short is a body's short name (省邮政管理局), what export writes.
func (b *bodyIndex) short(id string) string {
	for _, body := range b.list {
		if body.ID == id {
			return body.ShortName
		}
	}
	return id
}

// A person has no natural key in the store. Files identify one by name and
// the set of bodies the person holds titles in: personKey.
func personKey(name string, bodyIDs []string) string {
	ids := slices.Clone(bodyIDs)
	slices.Sort(ids)
	return name + "|" + strings.Join(slices.Compact(ids), ",")
}

func titleBodies(ts []domain.Title) []string {
	out := make([]string, len(ts))
	for i, t := range ts {
		out[i] = t.BodyID
	}
	return out
}

// noTitles qualifies the name of a person who holds no title.
const noTitles = "无职务"

// personRef is a reference to a person in a cell: the name alone, or, where
// several people share it, the name and the bodies of the person's titles
// in parentheses: 张三（省总工会、省信息业工会）, 张三（无职务）.
type personRef struct {
	name      string
	bodies    []string
	qualified bool
}

func (b *bodyIndex) parsePersonRef(s string) personRef {
	name, q, ok := splitQualifier(s)
	if !ok {
		return personRef{name: clean(s)}
	}
	if q == noTitles {
		return personRef{name: name, bodies: []string{}, qualified: true}
	}
	ref := personRef{name: name, bodies: []string{}, qualified: true}
	for _, part := range splitList(q, listSeparators) {
		id, err := b.resolve(part)
		if err != nil {
			// Not a list of bodies: the parentheses are part of the name.
			return personRef{name: clean(s)}
		}
		ref.bodies = append(ref.bodies, id)
	}
	return ref
}

// find resolves the reference among the people with the name.
func (r personRef) find(byName map[string][]*domain.Person) (*domain.Person, string) {
	var found []*domain.Person
	for _, p := range byName[r.name] {
		if !r.qualified || personKey(p.Name, p.BodyIDs()) == personKey(r.name, r.bodies) {
			found = append(found, p)
		}
	}
	switch {
	case len(found) == 1:
		return found[0], ""
	case len(found) == 0 && r.qualified:
		return nil, fmt.Sprintf("没有职务在这些机构的“%s”：先导入人员，或核对括号中的机构", r.name)
	case len(found) == 0:
		return nil, fmt.Sprintf("没有叫“%s”的人员：先导入人员", r.name)
	}
	return nil, fmt.Sprintf("有 %d 位叫“%s”的人员：在姓名后用括号写其职务所在机构，如 %s（省总工会），没有职务的写 %s（%s）", len(found), r.name, r.name, r.name, noTitles)
}

// personRefText writes a reference to p: the name, qualified when others
// share it.
func (b *bodyIndex) personRefText(p *domain.Person, byName map[string][]*domain.Person) string {
	if len(byName[p.Name]) <= 1 {
		return p.Name
	}
	ids := p.BodyIDs()
	if len(ids) == 0 {
		return p.Name + "（" + noTitles + "）"
	}
	names := make([]string, len(ids))
	for i, id := range ids {
		names[i] = b.short(id)
	}
	return p.Name + "（" + strings.Join(names, "、") + "）"
}

// unionRef is a reference to a union in a list cell: its name, or where
// unions share it, the name and its enterprise's credit code in
// parentheses: 山西顺丰工会（91140100MA0XXXXXXX）.
type unionRef struct {
	name, creditCode string
}

func parseUnionRef(s string) unionRef {
	name, q, ok := splitQualifier(s)
	if ok {
		if code := normaliseCreditCode(q); domain.ValidateCreditCode(code) == nil {
			return unionRef{name: name, creditCode: code}
		}
	}
	return unionRef{name: clean(s)}
}

// find resolves the reference among the unions with the name; codes maps
// credit codes to enterprises.
func (r unionRef) find(byName map[string][]*domain.Union, codes map[string]*domain.Enterprise) (*domain.Union, string) {
	var found []*domain.Union
	for _, u := range byName[r.name] {
		if r.creditCode == "" || (codes[r.creditCode] != nil && deref(u.EnterpriseID) == codes[r.creditCode].ID) {
			found = append(found, u)
		}
	}
	switch {
	case len(found) == 1:
		return found[0], ""
	case len(found) == 0 && r.creditCode != "":
		return nil, fmt.Sprintf("没有所属企业信用代码为 %s 的“%s”：先导入工会", r.creditCode, r.name)
	case len(found) == 0:
		return nil, fmt.Sprintf("没有名为“%s”的工会：先导入工会", r.name)
	}
	return nil, fmt.Sprintf("有 %d 个名为“%s”的工会：写成 %s（所属企业信用代码）", len(found), r.name, r.name)
}

// byName groups records by a name.
func byName[T any](recs []*T, name func(*T) string) map[string][]*T {
	m := map[string][]*T{}
	for _, r := range recs {
		m[name(r)] = append(m[name(r)], r)
	}
	return m
}

// distinct lists the non-empty strings once each, in first-seen order.
func distinct(ss []string) []string {
	var out []string
	seen := map[string]bool{}
	for _, s := range ss {
		if s != "" && !seen[s] {
			seen[s] = true
			out = append(out, s)
		}
	}
	return out
}

// findIn is a batched look-up that skips the query when there is nothing
// to look up.
func findIn[T any](ctx context.Context, c *store.Collection[T], path string, values []string) ([]*T, error) {
	values = distinct(values)
	if len(values) == 0 {
		return nil, nil
	}
	return c.FindIn(ctx, path, values, nil, nil)
}

// enterprisesByCode looks up enterprises by credit code (one query).
func enterprisesByCode(ctx context.Context, st *store.Store, codes []string) (map[string]*domain.Enterprise, error) {
	found, err := findIn(ctx, st.Enterprises, "creditCode", codes)
	m := map[string]*domain.Enterprise{}
	for _, e := range found {
		m[deref(e.CreditCode)] = e
	}
	return m, err
}

// creditCodeCell reads a credit code cell: "" when empty, and a problem
// when it is not a valid code.
func creditCodeCell(s string) (string, error) {
	code := normaliseCreditCode(s)
	if code == "" {
		return "", nil
	}
	if err := domain.ValidateCreditCode(code); err != nil {
		return code, fmt.Errorf("%q 不是有效的统一社会信用代码：%v", code, err)
	}
	return code, nil
}
