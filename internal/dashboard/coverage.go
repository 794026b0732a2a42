package dashboard

import (
	"cmp"
	"context"
	"slices"
	"time"

	"go.mongodb.org/mongo-driver/v2/bson"

	"sanfang/internal/domain"
	"sanfang/internal/store"
)

// GroupBy says how union coverage is broken down.
type GroupBy string

const (
	// GroupByCity: one group per city, all 11 always present (then any
	// region code not among them).
	GroupByCity GroupBy = "CITY"
	// GroupByBrand: one group per express brand, in pinyin order.
	GroupByBrand GroupBy = "BRAND"
	// GroupByEnterprise: one group per enterprise, in pinyin order of name.
	GroupByEnterprise GroupBy = "ENTERPRISE"
)

// Valid reports whether g is a known grouping.
func (g GroupBy) Valid() bool {
	return g == GroupByCity || g == GroupByBrand || g == GroupByEnterprise
}

// TotalKey and TotalLabel mark a result's total row.
const (
	TotalKey   = "TOTAL"
	TotalLabel = "合计"
)

// maxTrendMonths bounds CoverageTrend.
const maxTrendMonths = 120

// Coverage is how far enterprises have unions, and how many of their people
// the unions have as members, per group and in total.
type Coverage struct {
	GroupBy GroupBy
	// Period is the month the figures are as of (YYYY-MM), "" for the latest.
	Period string
	Groups []*CoverageGroup
	// Total counts every enterprise and union once.
	Total *CoverageGroup
	// MembershipRate and CourierMembershipRate are the groups' rates as
	// series.
	MembershipRate        []Datum
	CourierMembershipRate []Datum
	AsOf                  *time.Time
	Sources               []string
}

// CoverageGroup is one group's coverage.
//
// Counted are the enterprises the POSTAL body lists and their ENTERPRISE-kind
// unions (a regional federation's figures, if it had any, would count its
// member unions' people twice). For a month, a union founded after it does
// not count yet (one with no founding date does), and its figures are its
// latest with a period up to that month; for the latest, every union counts
// with its latest figures.
//
// Grouped by city, an enterprise in two cities counts in each city's group
// (so the groups add up to more than Total, which counts it once), and
// WithUnion says it has a union, wherever that union is. A union's figures,
// and the union itself, count in the city of the union (its regionCodes; its
// enterprise's when it has none), where its members work.
type CoverageGroup struct {
	// Key is the region code, the brand or the enterprise id; Label the city
	// name, the brand, or the enterprise's name. The total is TOTAL, 合计.
	Key   string
	Label string
	// Enterprises counts the enterprises; WithUnion those with at least one
	// enterprise union, WithoutUnion the rest.
	Enterprises  int
	WithUnion    int
	WithoutUnion int
	// UnionisedRate is WithUnion / Enterprises (建会率), nil with no
	// enterprises.
	UnionisedRate *float64
	// Unions counts the enterprise unions; Reporting those with figures for
	// the period.
	Unions    int
	Reporting int
	// Employees, Couriers, Members and CourierMembers add up the figures the
	// reporting unions give; a figure a union does not give adds nothing,
	// and a sum is nil when no union gives that figure.
	Employees      *int
	Couriers       *int
	Members        *int
	CourierMembers *int
	// MembershipRate is members / employees (入会率), and
	// CourierMembershipRate courier members / couriers, over the unions that
	// give both figures of the pair: a union that gives its employees but
	// not its members does not pull the rate down. (So when some figures
	// are unknown, the rate can differ from Members / Employees.) Nil when
	// the denominator is 0 or no union gives both.
	MembershipRate        *float64
	CourierMembershipRate *float64
}

// UnionCoverage reports union coverage and membership per group and in
// total, with the figures as of period (YYYY-MM: each union's latest
// figures with a period up to that month; "" for each union's latest).
//
// Round trips: 3, at once: the enterprises (postal), the enterprise unions
// and the membership figures up to period (union), each one find projected
// to the fields used. Each union's latest figures need $max or $first,
// which the subset lacks, so the figures are read and chosen here; the
// coverage is of every enterprise, so the reads are not narrowed by $in
// (which would only make them wait for each other).
func (s *Service) UnionCoverage(ctx context.Context, groupBy GroupBy, period string) (*Coverage, error) {
	if err := checkGroupBy(groupBy); err != nil {
		return nil, err
	}
	if period != "" {
		if err := domain.ValidatePeriod(period); err != nil {
			return nil, domain.InputErrorf("period", "%s", err.Error())
		}
	}
	d, err := s.coverageData(ctx, period)
	if err != nil {
		return nil, err
	}
	return d.at(groupBy, period), nil
}

// CoverageTrend reports UnionCoverage for every month from from to to
// (YYYY-MM, both included, at most 120 months), oldest first.
//
// Round trips: 3, as UnionCoverage, however many months: the figures up to
// to are read once and each month's are chosen here.
func (s *Service) CoverageTrend(ctx context.Context, groupBy GroupBy, from, to string) ([]*Coverage, error) {
	if err := checkGroupBy(groupBy); err != nil {
		return nil, err
	}
	months, err := monthRange(from, to)
	if err != nil {
		return nil, err
	}
	d, err := s.coverageData(ctx, to)
	if err != nil {
		return nil, err
	}
	out := make([]*Coverage, len(months))
	for i, m := range months {
		out[i] = d.at(groupBy, m)
	}
	return out, nil
}

func checkGroupBy(g GroupBy) error {
	if !g.Valid() {
		return domain.InputErrorf("groupBy", "groupBy %q is not one of CITY, BRAND, ENTERPRISE", g)
	}
	return nil
}

// monthRange lists the months from from to to, both YYYY-MM.
func monthRange(from, to string) ([]string, error) {
	if err := domain.ValidatePeriod(from); err != nil {
		return nil, domain.InputErrorf("from", "%s", err.Error())
	}
	if err := domain.ValidatePeriod(to); err != nil {
		return nil, domain.InputErrorf("to", "%s", err.Error())
	}
	if to < from {
		return nil, domain.InputErrorf("to", "the months end (%s) before they start (%s): swap them", to, from)
	}
	start, _ := time.Parse("2006-01", from)
	// Compare times, not texts: the month after 9999-12 is written
	// 10000-01, which sorts before it.
	end, _ := time.Parse("2006-01", to)
	var out []string
	for t := start; !t.After(end); t = t.AddDate(0, 1, 0) {
		if len(out) == maxTrendMonths {
			return nil, domain.InputErrorf("to", "at most %d months at a time: ask for a shorter range", maxTrendMonths)
		}
		out = append(out, t.Format("2006-01"))
	}
	return out, nil
}

// coverageData is what coverage is computed from.
type coverageData struct {
	enterprises []*domain.Enterprise
	unions      []*domain.Union                        // enterprise unions
	figures     map[string][]*domain.MembershipFigures // by union id, oldest first
}

// coverageData reads the enterprises, the enterprise unions, and the
// figures up to month ("" for all): three finds at once.
func (s *Service) coverageData(ctx context.Context, upTo string) (*coverageData, error) {
	d := &coverageData{figures: map[string][]*domain.MembershipFigures{}}
	var figs []*domain.MembershipFigures
	err := parallel(ctx,
		func(ctx context.Context) (err error) {
			d.enterprises, err = s.st.Enterprises.Select(ctx, nil, bson.D{
				{Key: "name", Value: 1}, {Key: "nameKey", Value: 1}, {Key: "brand", Value: 1},
				{Key: "regionCodes", Value: 1}, {Key: "updatedAt", Value: 1},
			})
			return err
		},
		func(ctx context.Context) (err error) {
			d.unions, err = s.st.Unions.Select(ctx, bson.D{{Key: "kind", Value: domain.UnionEnterprise}}, bson.D{
				{Key: "enterpriseId", Value: 1}, {Key: "regionCodes", Value: 1}, {Key: "foundedOn", Value: 1}, {Key: "updatedAt", Value: 1},
			})
			return err
		},
		func(ctx context.Context) (err error) {
			var filter bson.D
			if upTo != "" {
				filter = bson.D{{Key: "period", Value: bson.D{{Key: "$lte", Value: upTo}}}}
			}
			figs, err = s.st.Figures.Select(ctx, filter, bson.D{
				{Key: "unionId", Value: 1}, {Key: "period", Value: 1}, {Key: "employees", Value: 1}, {Key: "couriers", Value: 1},
				{Key: "members", Value: 1}, {Key: "courierMembers", Value: 1}, {Key: "updatedAt", Value: 1},
			})
			return err
		})
	if err != nil {
		return nil, err
	}
	for _, f := range figs {
		d.figures[f.UnionID] = append(d.figures[f.UnionID], f)
	}
	for _, fs := range d.figures {
		slices.SortFunc(fs, func(a, b *domain.MembershipFigures) int { return cmp.Compare(a.Period, b.Period) })
	}
	return d, nil
}

// latestFigures is the union's latest figures with a period up to month
// ("" for its latest), or nil.
func latestFigures(fs []*domain.MembershipFigures, upTo string) *domain.MembershipFigures {
	for i := len(fs) - 1; i >= 0; i-- {
		if upTo == "" || fs[i].Period <= upTo {
			return fs[i]
		}
	}
	return nil
}

// foundedBy reports whether a union existed in month ("" for now).
func foundedBy(u *domain.Union, m string) bool {
	return m == "" || u.FoundedOn == nil || month(*u.FoundedOn) <= m
}

// coverageAcc adds up one group.
type coverageAcc struct {
	enterprises, withUnion, unions, reporting    int
	employees, couriers, members, courierMembers optSum
	pairEmployees, pairMembers                   optSum // unions giving both
	pairCouriers, pairCourierMembers             optSum
}

// optSum is a sum of figures that may be unknown: nil until one is known.
type optSum struct {
	n     int
	known bool
}

func (o *optSum) add(v *int) {
	if v != nil {
		o.n += *v
		o.known = true
	}
}

func (o optSum) ptr() *int {
	if !o.known {
		return nil
	}
	n := o.n
	return &n
}

func (a *coverageAcc) addFigures(f *domain.MembershipFigures) {
	a.reporting++
	a.employees.add(f.Employees)
	a.couriers.add(f.Couriers)
	a.members.add(f.Members)
	a.courierMembers.add(f.CourierMembers)
	if f.Employees != nil && f.Members != nil {
		a.pairEmployees.add(f.Employees)
		a.pairMembers.add(f.Members)
	}
	if f.Couriers != nil && f.CourierMembers != nil {
		a.pairCouriers.add(f.Couriers)
		a.pairCourierMembers.add(f.CourierMembers)
	}
}

func (a *coverageAcc) group(key, label string) *CoverageGroup {
	g := &CoverageGroup{Key: key, Label: label, Enterprises: a.enterprises, WithUnion: a.withUnion,
		WithoutUnion: a.enterprises - a.withUnion, UnionisedRate: ratio(float64(a.withUnion), float64(a.enterprises)),
		Unions: a.unions, Reporting: a.reporting,
		Employees: a.employees.ptr(), Couriers: a.couriers.ptr(), Members: a.members.ptr(), CourierMembers: a.courierMembers.ptr()}
	if a.pairEmployees.known {
		g.MembershipRate = ratio(float64(a.pairMembers.n), float64(a.pairEmployees.n))
	}
	if a.pairCouriers.known {
		g.CourierMembershipRate = ratio(float64(a.pairCourierMembers.n), float64(a.pairCouriers.n))
	}
	return g
}

// at computes coverage as of month m ("" for the latest).
func (d *coverageData) at(groupBy GroupBy, m string) *Coverage {
	var asOf newest
	ents := make(map[string]*domain.Enterprise, len(d.enterprises))
	for _, e := range d.enterprises {
		ents[e.ID] = e
		asOf.see(e.UpdatedAt)
	}
	unionsOf := map[string][]*domain.Union{}
	for _, u := range d.unions {
		if u.EnterpriseID == nil || ents[*u.EnterpriseID] == nil || !foundedBy(u, m) {
			continue
		}
		unionsOf[*u.EnterpriseID] = append(unionsOf[*u.EnterpriseID], u)
	}

	accs := map[string]*coverageAcc{}
	acc := func(key string) *coverageAcc {
		a := accs[key]
		if a == nil {
			a = &coverageAcc{}
			accs[key] = a
		}
		return a
	}
	total := &coverageAcc{}
	labels := map[string]string{}
	sortKeys := map[string]string{}
	for _, e := range d.enterprises {
		var keys []string
		switch groupBy {
		case GroupByCity:
			keys = distinct(e.RegionCodes)
		case GroupByBrand:
			keys = []string{e.Brand}
			labels[e.Brand], sortKeys[e.Brand] = e.Brand, domain.NameKey(e.Brand)
		case GroupByEnterprise:
			keys = []string{e.ID}
			labels[e.ID], sortKeys[e.ID] = e.Name, e.NameKey
		}
		has := len(unionsOf[e.ID]) > 0
		for _, a := range append([]*coverageAcc{total}, mapAcc(keys, acc)...) {
			a.enterprises++
			if has {
				a.withUnion++
			}
		}
		for _, u := range unionsOf[e.ID] {
			asOf.see(u.UpdatedAt)
			ukeys := keys
			if groupBy == GroupByCity && len(u.RegionCodes) > 0 {
				ukeys = distinct(u.RegionCodes)
			}
			f := latestFigures(d.figures[u.ID], m)
			if f != nil {
				asOf.see(f.UpdatedAt)
			}
			for _, a := range append([]*coverageAcc{total}, mapAcc(ukeys, acc)...) {
				a.unions++
				if f != nil {
					a.addFigures(f)
				}
			}
		}
	}

	var keys []string
	if groupBy == GroupByCity {
		for _, r := range domain.Regions {
			keys = append(keys, r.Code)
			acc(r.Code)
		}
	}
	var others []string
	for k := range accs {
		if !slices.Contains(keys, k) {
			others = append(others, k)
		}
	}
	slices.SortFunc(others, func(a, b string) int { return cmp.Or(cmp.Compare(sortKeys[a], sortKeys[b]), cmp.Compare(a, b)) })
	keys = append(keys, others...)

	out := &Coverage{GroupBy: groupBy, Period: m, Groups: make([]*CoverageGroup, 0, len(keys)),
		Total: total.group(TotalKey, TotalLabel), Sources: sources(store.Postal, store.Union)}
	for _, k := range keys {
		label := labels[k]
		if groupBy == GroupByCity {
			label = RegionLabel(k)
		}
		g := accs[k].group(k, label)
		out.Groups = append(out.Groups, g)
		out.MembershipRate = append(out.MembershipRate, Datum{Key: k, Label: label, Value: g.MembershipRate})
		out.CourierMembershipRate = append(out.CourierMembershipRate, Datum{Key: k, Label: label, Value: g.CourierMembershipRate})
	}
	out.AsOf = asOf.t
	return out
}

func mapAcc(keys []string, acc func(string) *coverageAcc) []*coverageAcc {
	out := make([]*coverageAcc, len(keys))
	for i, k := range keys {
		out[i] = acc(k)
	}
	return out
}

// distinct is ss without repeats, in first-seen order.
func distinct(ss []string) []string {
	var out []string
	for _, s := range ss {
		if !slices.Contains(out, s) {
			out = append(out, s)
		}
	}
	return out
}

// Growth is how unions and membership grew over a range of dates.
type Growth struct {
	// From and To are the range's dates; FromMonth and ToMonth their months.
	From, To           time.Time
	FromMonth, ToMonth string
	// Founded counts the unions (of either kind) founded in the range.
	Founded int
	// NewMembers adds up, over the enterprise unions, the members in each
	// union's latest figures up to ToMonth less those in its latest figures
	// before FromMonth (0 when it has none). A union whose figures at either
	// end do not give its members is left out (UnknownMembers counts them);
	// a union with no figures up to ToMonth adds nothing. It can be negative.
	NewMembers int
	// Counted counts the unions whose growth is in NewMembers.
	Counted        int
	UnknownMembers int
	// ByCity has a row for each of the 11 cities (then any other region
	// code); a union in two cities counts in each.
	ByCity []*GrowthGroup
	// FoundedByKind counts the unions founded in the range per kind
	// (企业工会, 区域快递行业工会联合会).
	FoundedByKind []Datum
	AsOf          *time.Time
	Sources       []string
}

// GrowthGroup is one city's growth.
type GrowthGroup struct {
	Key        string
	Label      string
	Founded    int
	NewMembers int
}

// UnionGrowth reports the unions founded from from to to (dates, both
// included) and the members the enterprise unions gained over those months.
//
// Round trips: 2, at once, in the union database: the unions, and the
// figures up to to's month (members only), each one find projected to the
// fields used.
func (s *Service) UnionGrowth(ctx context.Context, from, to time.Time) (*Growth, error) {
	if from.IsZero() || to.IsZero() {
		return nil, domain.InputErrorf("from", "give both ends of the range, from and to")
	}
	if err := (&Period{From: from, To: to}).check("to"); err != nil {
		return nil, err
	}
	fromMonth, toMonth := dateOf(from).Format("2006-01"), dateOf(to).Format("2006-01")
	var unions []*domain.Union
	var figs []*domain.MembershipFigures
	err := parallel(ctx,
		func(ctx context.Context) (err error) {
			unions, err = s.st.Unions.Select(ctx, nil, bson.D{
				{Key: "kind", Value: 1}, {Key: "regionCodes", Value: 1}, {Key: "foundedOn", Value: 1}, {Key: "updatedAt", Value: 1},
			})
			return err
		},
		func(ctx context.Context) (err error) {
			figs, err = s.st.Figures.Select(ctx, bson.D{{Key: "period", Value: bson.D{{Key: "$lte", Value: toMonth}}}}, bson.D{
				{Key: "unionId", Value: 1}, {Key: "period", Value: 1}, {Key: "members", Value: 1}, {Key: "updatedAt", Value: 1},
			})
			return err
		})
	if err != nil {
		return nil, err
	}
	byUnion := map[string][]*domain.MembershipFigures{}
	for _, f := range figs {
		byUnion[f.UnionID] = append(byUnion[f.UnionID], f)
	}
	for _, fs := range byUnion {
		slices.SortFunc(fs, func(a, b *domain.MembershipFigures) int { return cmp.Compare(a.Period, b.Period) })
	}
	// The latest figures before fromMonth are the latest up to the month
	// before it.
	start, _ := time.Parse("2006-01", fromMonth)
	beforeFrom := start.AddDate(0, -1, 0).Format("2006-01")
	lo, hi := startOfDay(from), startOfDay(to).AddDate(0, 0, 1)

	out := &Growth{From: dateOf(from), To: dateOf(to), FromMonth: fromMonth, ToMonth: toMonth, Sources: sources(store.Union)}
	var asOf newest
	cities := map[string]*GrowthGroup{}
	city := func(code string) *GrowthGroup {
		g := cities[code]
		if g == nil {
			g = &GrowthGroup{Key: code, Label: RegionLabel(code)}
			cities[code] = g
		}
		return g
	}
	for _, r := range domain.Regions {
		city(r.Code)
	}
	byKind := map[domain.UnionKind]int{}
	for _, u := range unions {
		regions := distinct(u.RegionCodes)
		if u.FoundedOn != nil && !u.FoundedOn.Before(lo) && u.FoundedOn.Before(hi) {
			asOf.see(u.UpdatedAt)
			out.Founded++
			byKind[u.Kind]++
			for _, c := range regions {
				city(c).Founded++
			}
		}
		if u.Kind != domain.UnionEnterprise {
			continue
		}
		end := latestFigures(byUnion[u.ID], toMonth)
		if end == nil {
			continue
		}
		begin := latestFigures(byUnion[u.ID], beforeFrom)
		if end.Members == nil || (begin != nil && begin.Members == nil) {
			out.UnknownMembers++
			continue
		}
		grew := *end.Members
		asOf.see(u.UpdatedAt)
		asOf.see(end.UpdatedAt)
		if begin != nil {
			grew -= *begin.Members
			asOf.see(begin.UpdatedAt)
		}
		out.Counted++
		out.NewMembers += grew
		for _, c := range regions {
			city(c).NewMembers += grew
		}
	}
	for _, r := range domain.Regions {
		out.ByCity = append(out.ByCity, cities[r.Code])
		delete(cities, r.Code)
	}
	var others []string
	for c := range cities {
		others = append(others, c)
	}
	slices.Sort(others)
	for _, c := range others {
		out.ByCity = append(out.ByCity, cities[c])
	}
	kinds := []domain.UnionKind{domain.UnionEnterprise, domain.UnionRegionalFederation}
	var otherKinds []domain.UnionKind
	for k := range byKind {
		if !slices.Contains(kinds, k) {
			otherKinds = append(otherKinds, k)
		}
	}
	slices.Sort(otherKinds)
	kinds = append(kinds, otherKinds...)
	for _, k := range kinds {
		out.FoundedByKind = append(out.FoundedByKind, Datum{Key: string(k), Label: UnionKindLabel(k), Value: num(byKind[k])})
	}
	out.AsOf = asOf.t
	return out, nil
}
