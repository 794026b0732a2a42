// Package synth generates clearly marked synthetic data sets for tests,
// demonstrations and load trials. Every synthetic record has an id starting
// "syn-", a name or title starting "【合成】" and provenance basis SYNTHETIC
// with source "synth:<scale>:<seed>". The four bodies are included as the
// real records they are (basis STATED), so a synthetic data set loads into an
// empty store on its own. The same seed and scale always give the same data.
package synth

import (
	"cmp"
	"fmt"
	"math/rand/v2"
	"slices"
	"strings"
	"time"

	"sanfang/internal/domain"
	"sanfang/internal/seed"
)

// Scale names a size of data set.
type Scale string

const (
	// Tiny is for unit tests: 60 enterprises, 120 unions, 6 months of
	// figures, 2 plans with 20 tasks, 100 activities, 10 meetings, 30 people.
	Tiny Scale = "tiny"
	// Province is about the size of Shanxi's express industry: 400
	// enterprises, 2,000 unions (11 regional federations, the rest enterprise
	// unions of branches), about 2,500-3,500 monthly figures over 12 months,
	// 2 plans with 60 tasks, 1,000 activities, 40 meetings, 200 people.
	Province Scale = "province"
)

// Scales lists every scale, smallest first.
var Scales = []Scale{Tiny, Province}

// sizes are the counts a scale asks for.
type sizes struct {
	enterprises  int
	unions       int // including one regional federation per city
	figureUnions int // enterprise unions that report monthly figures
	months       int // months of figures, ending 2026-10
	tasksPerPlan int
	activities   int
	meetings     int
	bodyPeople   int // people with titles in the bodies
	chairs       int // people who chair a union
}

func sizesOf(s Scale) sizes {
	switch s {
	case Province:
		return sizes{enterprises: 400, unions: 2000, figureUnions: 360, months: 12, tasksPerPlan: 30, activities: 1000, meetings: 40, bodyPeople: 40, chairs: 160}
	default: // Tiny
		return sizes{enterprises: 60, unions: 120, figureUnions: 30, months: 6, tasksPerPlan: 10, activities: 100, meetings: 10, bodyPeople: 12, chairs: 18}
	}
}

// ParseScale returns the scale named s (case and surrounding space ignored).
func ParseScale(s string) (Scale, error) {
	for _, sc := range Scales {
		if strings.EqualFold(strings.TrimSpace(s), string(sc)) {
			return sc, nil
		}
	}
	names := make([]string, len(Scales))
	for i, sc := range Scales {
		names[i] = string(sc)
	}
	return "", fmt.Errorf("unknown scale %q: valid scales are %s", s, strings.Join(names, ", "))
}

// Prefix starts the name or title of every synthetic record.
const Prefix = "【合成】"

// BaseTime is every synthetic record's createdAt and updatedAt.
var BaseTime = time.Date(2026, 11, 1, 0, 0, 0, 0, time.UTC)

var (
	firstDay = day(2025, 1, 1)   // earliest date of an event
	lastDay  = day(2026, 10, 31) // latest date of an event, the day before BaseTime
)

// parties are the three bodies of the tripartite work.
var parties = []string{string(domain.BodyPostal), string(domain.BodyUnion), string(domain.BodyAssociation)}

type brand struct {
	name, en, company string
	weight            int
}

var brands = []brand{
	{"中国邮政", "China Post", "中国邮政速递物流", 8},
	{"顺丰", "SF Express", "顺丰速运", 10},
	{"京东", "JD Logistics", "京东物流", 7},
	{"中通", "ZTO Express", "中通快递", 12},
	{"圆通", "YTO Express", "圆通速递", 11},
	{"申通", "STO Express", "申通快递", 9},
	{"韵达", "Yunda Express", "韵达快递", 10},
	{"极兔", "J&T Express", "极兔速递", 9},
	{"德邦", "Deppon Express", "德邦快递", 5},
	{"百世", "BEST Express", "百世快递", 3},
	{"安能", "ANE Logistics", "安能物流", 3},
	{"跨越", "KY Express", "跨越速运", 3},
}

// branchSuffixes tell apart a brand's branches in one city.
var branchSuffixes = []string{"", "城区", "高新区", "经开区", "东城", "西城", "南郊", "北郊", "新区", "站前", "工业园区"}

// cityWeights weigh where enterprises are; other regions weigh 6.
var cityWeights = map[string]int{"140100": 24, "140200": 10, "140400": 9, "140700": 9, "140800": 10, "141000": 9}

var (
	surnames   = []string{"王", "李", "张", "刘", "陈", "杨", "赵", "黄", "周", "吴", "徐", "孙", "胡", "朱", "高", "林", "何", "郭", "马", "罗", "梁", "宋", "郑", "谢", "韩", "唐", "冯", "于", "董", "萧"}
	givenNames = []string{"伟", "芳", "娜", "敏", "静", "强", "磊", "军", "洋", "勇", "艳", "杰", "娟", "涛", "明", "超", "秀兰", "霞", "平", "刚", "建华", "志强", "晓东", "丽华", "海燕", "国庆", "文博", "子涵", "宇航", "雅琴", "春生", "晋生", "立新", "振华", "晓兰"}
	bodyTitles = [][]string{
		{"副局长", "市场监管处处长", "普遍服务处副处长", "办公室主任", "一级调研员"},
		{"副主席", "组织部部长", "权益保障部部长", "经费审查委员会主任", "办公室主任"},
		{"副会长", "秘书长", "副秘书长", "会员服务部主任"},
		{"基层工作部部长", "组织部副部长", "权益保障部副部长", "宣传教育部部长"},
	}
)

type taskTemplate struct {
	theme domain.TaskTheme
	title string
}

var taskTemplates = []taskTemplate{
	{domain.ThemeWorkforceReform, "深化产业工人队伍建设改革"},
	{domain.ThemeLabourCompetition, "组织快递行业劳动竞赛"},
	{domain.ThemeSkillsTraining, "开展快递员职业技能培训"},
	{domain.ThemeRightsProtection, "维护快递员劳动权益"},
	{domain.ThemeCareServices, "开展“十送”关爱服务"},
	{domain.ThemeUnionBuilding, "推进快递企业建会入会"},
	{domain.ThemeRegionalUnions, "健全区域快递行业工会联合会"},
	{domain.ThemeFunding, "落实工会经费保障"},
	{domain.ThemeStandardisation, "规范基层工会组织建设"},
	{domain.ThemeOfficerTraining, "培训快递行业工会干部"},
	{domain.ThemeOther, "总结宣传典型经验"},
}

var activityKinds = []struct {
	kind   domain.ActivityKind
	theme  domain.TaskTheme
	title  string
	weight int
	min    int // participants
	max    int
}{
	{domain.ActivityLabourCompetition, domain.ThemeLabourCompetition, "快递行业劳动竞赛", 20, 20, 300},
	{domain.ActivitySkillsTraining, domain.ThemeSkillsTraining, "快递员职业技能培训", 30, 15, 120},
	{domain.ActivityCareService, domain.ThemeCareServices, "“十送”关爱快递小哥活动", 35, 30, 800},
	{domain.ActivityRightsProtection, domain.ThemeRightsProtection, "快递员法律维权服务进站点", 15, 10, 200},
}

// Generate makes a synthetic data set of the given scale. The same seed and
// scale give the same data, byte for byte.
func Generate(seedValue uint64, scale Scale) (*seed.Dataset, error) {
	sc, err := ParseScale(string(scale))
	if err != nil {
		return nil, err
	}
	g := &gen{
		r:  rand.New(rand.NewPCG(seedValue, 0x73796e7468)), // "synth"
		sz: sizesOf(sc),
		prov: domain.Provenance{
			Basis:  domain.BasisSynthetic,
			Source: fmt.Sprintf("synth:%s:%d", sc, seedValue),
			Note:   "synthetic test data, not real",
		},
		ds: &seed.Dataset{
			Bodies: []domain.Body{}, People: []domain.Person{}, Enterprises: []domain.Enterprise{},
			Memberships: []domain.AssociationMembership{}, Unions: []domain.Union{}, Figures: []domain.MembershipFigures{},
			Meetings: []domain.Meeting{}, Plans: []domain.Plan{}, Tasks: []domain.Task{},
			ProgressUpdates: []domain.ProgressUpdate{}, Activities: []domain.Activity{},
		},
	}
	g.bodies()
	if err := g.enterprises(); err != nil {
		return nil, err
	}
	g.memberships()
	g.unions()
	g.people()
	g.figures()
	g.meetingsAndPlans()
	g.tasks()
	g.activities()
	return g.ds, nil
}

type gen struct {
	r    *rand.Rand
	sz   sizes
	prov domain.Provenance
	ds   *seed.Dataset

	entsIn     [][]int  // per region index, the enterprises operating there
	mainUnion  []int    // per enterprise, index of its first union, or -1
	noUnion    []int    // enterprises without a union
	fedUnion   []int    // per region index, its regional federation
	entUnions  []int    // indices of enterprise unions
	unionEmp   []int    // per union, employees it covers (enterprise unions)
	unionCour  []int    // per union, couriers it covers (enterprise unions)
	bodyPeople [4][]int // per body in domain.BodyCodes order, its people
}

func (g *gen) rec() domain.Record {
	return domain.Record{Version: 1, CreatedAt: BaseTime, UpdatedAt: BaseTime, Provenance: g.prov}
}

func (g *gen) bodies() {
	prov := domain.Provenance{Basis: domain.BasisStated, Source: g.prov.Source,
		Note: "real body, included so that a synthetic data set loads on its own"}
	rec := domain.Record{Version: 1, CreatedAt: BaseTime, UpdatedAt: BaseTime, Provenance: prov}
	add := func(code domain.BodyCode, name, short, en string, kind domain.BodyKind, parent *string) {
		g.ds.Bodies = append(g.ds.Bodies, domain.Body{ID: string(code), Code: code, Name: name, ShortName: short,
			NameEn: en, Kind: kind, ParentID: parent, Record: rec})
	}
	add(domain.BodyPostal, "山西省邮政管理局", "省邮政管理局", "Shanxi Provincial Postal Administration", domain.BodyKindRegulator, nil)
	add(domain.BodyUnion, "山西省信息业工会联合会", "省信息业工会", "Shanxi Provincial Information Industry Trade Union Federation", domain.BodyKindTradeUnion, ptr(string(domain.BodyFederation)))
	add(domain.BodyAssociation, "山西省快递协会", "省快递协会", "Shanxi Provincial Express Delivery Association", domain.BodyKindIndustryAssociation, nil)
	add(domain.BodyFederation, "山西省总工会", "省总工会", "Shanxi Provincial Federation of Trade Unions", domain.BodyKindUnionFederation, nil)
}

func (g *gen) enterprises() error {
	regionW := make([]int, len(domain.Regions))
	for k, reg := range domain.Regions {
		regionW[k] = cmp.Or(cityWeights[reg.Code], 6)
	}
	brandW := make([]int, len(brands))
	for b := range brands {
		brandW[b] = brands[b].weight
	}
	regionPick, brandPick := newPicker(regionW), newPicker(brandW)
	g.entsIn = make([][]int, len(domain.Regions))
	branches := make([]int, len(brands)*len(domain.Regions)) // branches so far per brand and city
	// Organisation codes are "MA" and 7 base-31 digits of (a·i+b) mod 31^7,
	// one-to-one in i because a is prime to 31, so they never repeat.
	const space = 27512614111 // 31^7
	offset := g.r.Uint64N(space)
	asOf := []time.Time{day(2026, 6, 30), day(2026, 9, 30)}
	for i := 0; i < g.sz.enterprises; i++ {
		b, k := brandPick.pick(g.r), regionPick.pick(g.r)
		codes := []string{domain.Regions[k].Code}
		g.entsIn[k] = append(g.entsIn[k], i)
		if g.r.IntN(5) == 0 {
			k2 := (k + 1 + g.r.IntN(len(domain.Regions)-1)) % len(domain.Regions)
			codes = append(codes, domain.Regions[k2].Code)
			g.entsIn[k2] = append(g.entsIn[k2], i)
		}
		n := branches[b*len(domain.Regions)+k]
		branches[b*len(domain.Regions)+k]++
		branch := cityShort(k) + fmt.Sprintf("第%d", n+1)
		if n < len(branchSuffixes) {
			branch = cityShort(k) + branchSuffixes[n]
		}
		name := Prefix + brands[b].company + branch + "分公司"

		org := (1_000_003*uint64(i) + offset) % space
		first17 := []byte("91" + codes[0] + "MA0000000")
		for j := 16; j >= 10; j-- {
			first17[j] = creditAlphabet[org%31]
			org /= 31
		}
		check, err := domain.CreditCodeCheckChar(string(first17))
		if err != nil {
			return fmt.Errorf("building a credit code: %w", err)
		}
		outlets := 3 + g.r.IntN(118)
		employees := outlets*(4+g.r.IntN(9)) + g.r.IntN(20)
		couriers := employees * (55 + g.r.IntN(31)) / 100
		g.ds.Enterprises = append(g.ds.Enterprises, domain.Enterprise{
			ID: fmt.Sprintf("syn-ent-%04d", i+1), Name: name, Brand: brands[b].name, BrandEn: brands[b].en,
			CreditCode: ptr(string(first17) + string(check)), RegionCodes: codes,
			Outlets: ptr(outlets), Couriers: ptr(couriers), Employees: ptr(employees),
			FiguresAsOf: ptr(asOf[g.r.IntN(len(asOf))]), NameKey: domain.NameKey(name), Record: g.rec(),
		})
	}
	return nil
}

const creditAlphabet = "0123456789ABCDEFGHJKLMNPQRTUWXY"

// memberships makes about 70% of enterprises members of the ASSOCIATION:
// one president, a few vice presidents, some directors, the rest members.
func (g *gen) memberships() {
	n := len(g.ds.Enterprises)
	level := make([]domain.MembershipLevel, n)
	members := (n*7 + 5) / 10
	vice, directors := 1+n/40, 1+n*15/100
	for pos, i := range g.r.Perm(n)[:members] {
		switch {
		case pos == 0:
			level[i] = domain.LevelPresident
		case pos <= vice:
			level[i] = domain.LevelVicePresident
		case pos <= vice+directors:
			level[i] = domain.LevelDirector
		default:
			level[i] = domain.LevelMember
		}
	}
	for i, e := range g.ds.Enterprises {
		if level[i] == "" {
			continue
		}
		g.ds.Memberships = append(g.ds.Memberships, domain.AssociationMembership{
			ID: fmt.Sprintf("syn-member-%04d", len(g.ds.Memberships)+1), EnterpriseID: e.ID, Level: level[i],
			Since: ptr(g.between(firstDay, day(2026, 9, 30))), Record: g.rec(),
		})
	}
}

// unions makes a regional federation for each city, then unions for about
// 80% of enterprises: a main union and, for the larger ones, branch unions,
// each under its city's federation.
func (g *gen) unions() {
	add := func(u domain.Union) int {
		u.ID = fmt.Sprintf("syn-union-%04d", len(g.ds.Unions)+1)
		u.NameKey = domain.NameKey(u.Name)
		u.Record = g.rec()
		g.ds.Unions = append(g.ds.Unions, u)
		g.unionEmp = append(g.unionEmp, 0)
		g.unionCour = append(g.unionCour, 0)
		return len(g.ds.Unions) - 1
	}
	for _, reg := range domain.Regions {
		g.fedUnion = append(g.fedUnion, add(domain.Union{
			Name: Prefix + reg.Name + "快递行业工会联合会", Kind: domain.UnionRegionalFederation,
			RegionCodes: []string{reg.Code}, FoundedOn: ptr(g.between(day(2025, 1, 6), day(2025, 3, 31))),
		}))
	}

	n := len(g.ds.Enterprises)
	withUnion := (n*8 + 5) / 10
	perm := g.r.Perm(n)
	count := make([]int, n)
	var has []int
	for _, i := range perm[:withUnion] {
		count[i] = 1
	}
	for i := range n {
		if count[i] == 0 {
			g.noUnion = append(g.noUnion, i)
		} else {
			has = append(has, i)
		}
	}
	w := make([]int, len(has))
	for j, i := range has {
		w[j] = *g.ds.Enterprises[i].Outlets
	}
	if len(has) > 0 {
		p := newPicker(w)
		for range g.sz.unions - len(domain.Regions) - withUnion {
			count[has[p.pick(g.r)]]++
		}
	}

	g.mainUnion = make([]int, n)
	for i := range g.ds.Enterprises {
		g.mainUnion[i] = -1
		e := &g.ds.Enterprises[i]
		if count[i] == 0 {
			continue
		}
		base := strings.TrimPrefix(e.Name, Prefix)
		founded := g.between(day(2025, 4, 1), day(2026, 6, 30))
		shares, total := make([]int, count[i]), 0
		for j := range shares {
			shares[j] = 1 + g.r.IntN(5)
			if j == 0 {
				shares[j] += 3
			}
			total += shares[j]
		}
		for j := range count[i] {
			region, name, on := e.RegionCodes[0], Prefix+base+"工会委员会", founded
			if j > 0 {
				region = e.RegionCodes[g.r.IntN(len(e.RegionCodes))]
				name = fmt.Sprintf("%s%s第%d分工会", Prefix, base, j)
				on = g.between(founded, day(2026, 9, 30))
			}
			u := add(domain.Union{Name: name, Kind: domain.UnionEnterprise, EnterpriseID: ptr(e.ID),
				RegionCodes: []string{region}, ParentID: ptr(g.ds.Unions[g.fedUnion[regionIndex(region)]].ID),
				FoundedOn: ptr(on)})
			if j == 0 {
				g.mainUnion[i] = u
			}
			g.entUnions = append(g.entUnions, u)
			g.unionEmp[u] = max(1, *e.Employees*shares[j]/total)
			g.unionCour[u] = min(g.unionEmp[u], *e.Couriers*shares[j]/total)
		}
	}
}

// people makes people with titles in the bodies, then the chairs of every
// regional federation and of some enterprise unions.
func (g *gen) people() {
	add := func(titles []domain.Title) string {
		id := fmt.Sprintf("syn-person-%04d", len(g.ds.People)+1)
		name := Prefix + surnames[g.r.IntN(len(surnames))] + givenNames[g.r.IntN(len(givenNames))]
		p := domain.Person{ID: id, Name: name, Titles: titles, NameKey: domain.NameKey(name), Record: g.rec()}
		if g.r.IntN(10) < 6 {
			p.Phone = ptr(fmt.Sprintf("138%08d", g.r.IntN(100_000_000)))
		}
		if g.r.IntN(2) == 0 {
			p.Email = ptr(id + "@example.org")
		}
		g.ds.People = append(g.ds.People, p)
		return id
	}
	var perBody [4]int
	for i := range g.sz.bodyPeople {
		b := i % 4
		titles := []domain.Title{{BodyID: string(domain.BodyCodes[b]), Title: bodyTitles[b][perBody[b]%len(bodyTitles[b])]}}
		g.bodyPeople[b] = append(g.bodyPeople[b], len(g.ds.People))
		if domain.BodyCodes[b] == domain.BodyFederation && perBody[b]%3 == 0 {
			titles = append(titles, domain.Title{BodyID: string(domain.BodyUnion), Title: "兼职副主席"})
			g.bodyPeople[1] = append(g.bodyPeople[1], len(g.ds.People))
		}
		perBody[b]++
		add(titles)
	}
	candidates := slices.Clone(g.fedUnion)
	for _, j := range g.r.Perm(len(g.entUnions)) {
		candidates = append(candidates, g.entUnions[j])
	}
	chosen := candidates[:min(g.sz.chairs, len(candidates))]
	slices.Sort(chosen)
	for _, u := range chosen {
		g.ds.Unions[u].ChairID = ptr(add([]domain.Title{}))
	}
}

// figures makes monthly figures for a subset of enterprise unions, from the
// month each was founded (or the first month of the window) to 2026-10.
func (g *gen) figures() {
	last := day(2026, 10, 1)
	first := last.AddDate(0, 1-g.sz.months, 0)
	perm := g.r.Perm(len(g.entUnions))
	chosen := make([]int, 0, g.sz.figureUnions)
	for _, j := range perm[:min(g.sz.figureUnions, len(perm))] {
		chosen = append(chosen, g.entUnions[j])
	}
	slices.Sort(chosen)
	for _, u := range chosen {
		f := *g.ds.Unions[u].FoundedOn
		start := later(first, day(f.Year(), f.Month(), 1))
		e, c := g.unionEmp[u], g.unionCour[u]
		members := e * (30 + g.r.IntN(51)) / 100
		ratio := 88 + g.r.IntN(13)
		for t := start; !t.After(last); t = t.AddDate(0, 1, 0) {
			if t != start {
				members = min(e, members+e*g.r.IntN(6)/100+g.r.IntN(2))
			}
			g.ds.Figures = append(g.ds.Figures, domain.MembershipFigures{
				ID: fmt.Sprintf("syn-fig-%05d", len(g.ds.Figures)+1), UnionID: g.ds.Unions[u].ID,
				Period: t.Format("2006-01"), Employees: ptr(e), Couriers: ptr(c), Members: ptr(members),
				CourierMembers: ptr(members * c * ratio / (e * 100)), Record: g.rec(),
			})
		}
	}
}

// meetingsAndPlans makes meetings spread over 2025-2026, every fourth a
// tripartite joint meeting, and the 2025 and 2026 plans those adopt.
func (g *gen) meetingsAndPlans() {
	n := g.sz.meetings
	planIDs := []string{"syn-plan-0001", "syn-plan-0002"}
	adopts := []int{0, 0} // meeting adopting each plan
	span := int(day(2026, 10, 28).Sub(day(2025, 1, 8)).Hours() / 24)
	slot := max(1, span/n)
	var seq [3]int
	for i := range n {
		date := day(2025, 1, 8).AddDate(0, 0, i*slot+g.r.IntN(slot))
		kind, hosts := domain.MeetingWorkingGroup, []string{string(domain.BodyUnion)}
		switch {
		case i%4 == 0:
			kind, hosts = domain.MeetingTripartiteJoint, slices.Clone(parties)
			if i > 0 && date.Year() == 2025 {
				adopts[1] = i
			}
		case g.r.IntN(3) == 0:
			kind, hosts = domain.MeetingOther, []string{parties[g.r.IntN(3)]}
		case g.r.IntN(2) == 0:
			hosts = append(hosts, parties[[]int{0, 2}[g.r.IntN(2)]])
		}
		m := domain.Meeting{ID: fmt.Sprintf("syn-meeting-%04d", i+1), Kind: kind, Date: date, HostBodyIDs: hosts,
			Participants: []domain.Participant{}, Speeches: []domain.Speech{}, Agenda: []domain.AgendaItem{},
			Decisions: []domain.Decision{}, Record: g.rec()}
		switch kind {
		case domain.MeetingTripartiteJoint:
			seq[0]++
			m.Sequence = ptr(seq[0])
			m.Title = fmt.Sprintf("%s省邮政管理局、省信息业工会、省快递协会第%d次联席会议", Prefix, seq[0])
		case domain.MeetingWorkingGroup:
			seq[1]++
			m.Sequence = ptr(seq[1])
			m.Title = fmt.Sprintf("%s快递行业工会工作专班第%d次会议", Prefix, seq[1])
		default:
			seq[2]++
			m.Title = fmt.Sprintf("%s%s快递员权益保障座谈会（%d）", Prefix, domain.Regions[g.r.IntN(len(domain.Regions))].Name, seq[2])
		}
		if g.r.IntN(2) == 0 {
			m.StartsAt = ptr(date.Add(time.Hour + 30*time.Minute)) // 09:30 in Beijing
		} else {
			m.TimeOfDay = ptr([]string{"上午", "下午"}[g.r.IntN(2)])
		}
		m.Place = ptr(Prefix + g.bodyShort(hosts[0]) + "会议室")
		g.meetingPeople(&m)
		for _, t := range []string{"通报工作进展", "研究部署下一阶段任务", "交流基层工会工作经验"}[:2+g.r.IntN(2)] {
			m.Agenda = append(m.Agenda, domain.AgendaItem{Title: Prefix + t})
		}
		m.Decisions = append(m.Decisions, domain.Decision{Text: Prefix + "各方按分工推进落实"})
		g.ds.Meetings = append(g.ds.Meetings, m)
	}
	for p, year := range []int{2025, 2026} {
		mt := &g.ds.Meetings[adopts[p]]
		mt.Decisions = append(mt.Decisions, domain.Decision{Text: fmt.Sprintf("%s审议通过%d年三方联合工作方案", Prefix, year), PlanID: ptr(planIDs[p])})
		status := domain.PlanAdopted
		if year == 2025 {
			status = domain.PlanCompleted
		}
		g.ds.Plans = append(g.ds.Plans, domain.Plan{ID: planIDs[p], Year: year,
			Title: fmt.Sprintf("%s%d年三方联合工作方案", Prefix, year), Status: status, BodyIDs: slices.Clone(parties),
			AdoptedAtMeetingID: ptr(mt.ID), AdoptedOn: ptr(mt.Date), WeightedProgress: year == 2026, Record: g.rec()})
	}
}

// meetingPeople fills a meeting's chair, participants and speeches.
func (g *gen) meetingPeople(m *domain.Meeting) {
	prov := g.prov
	var seen []int
	addPerson := func(body string, role domain.ParticipantRole) {
		people := g.bodyPeople[bodyIndex(body)]
		for range 4 { // a few tries for someone not yet there
			p := people[g.r.IntN(len(people))]
			if slices.Contains(seen, p) {
				continue
			}
			seen = append(seen, p)
			id := g.ds.People[p].ID
			if role == domain.RoleChaired {
				m.ChairID = ptr(id)
			}
			m.Participants = append(m.Participants, domain.Participant{PersonID: ptr(id), BodyID: ptr(body), Role: role, Provenance: prov})
			if role == domain.RoleSpoke {
				kind := domain.SpeechRemarks
				if len(m.Speeches) == 0 {
					kind = domain.SpeechAddress
				}
				m.Speeches = append(m.Speeches, domain.Speech{Kind: kind, SpeakerID: ptr(id), BodyID: ptr(body),
					Summary: ptr(Prefix + "就快递行业工会工作讲话"), Provenance: prov})
			}
			return
		}
	}
	addPerson(m.HostBodyIDs[0], domain.RoleChaired)
	for _, b := range m.HostBodyIDs {
		addPerson(b, domain.RoleSpoke)
		if g.r.IntN(2) == 0 {
			addPerson(b, domain.RoleAttended)
		}
	}
	if m.Kind == domain.MeetingTripartiteJoint {
		addPerson(string(domain.BodyFederation), domain.RoleSpoke)
	}
	unions := 1 + g.r.IntN(3)
	if m.Kind == domain.MeetingTripartiteJoint {
		unions++
	}
	for k, j := range g.pickDistinct(len(g.entUnions), unions) {
		u := &g.ds.Unions[g.entUnions[j]]
		part := domain.Participant{UnionID: ptr(u.ID), EnterpriseID: ptr(*u.EnterpriseID), Role: domain.RoleAttended, Provenance: prov}
		if u.ChairID != nil {
			part.PersonID = ptr(*u.ChairID)
		} else {
			part.Capacity = ptr("工会负责人")
		}
		if k == 0 {
			part.Role = domain.RoleSpoke
			m.Speeches = append(m.Speeches, domain.Speech{Kind: domain.SpeechExchange, SpeakerID: part.PersonID,
				UnionID: ptr(u.ID), EnterpriseID: ptr(*u.EnterpriseID), Summary: ptr(Prefix + "交流基层建会入会经验"), Provenance: prov})
		}
		m.Participants = append(m.Participants, part)
	}
}

// tasks makes each plan's tasks and their progress updates. The 2025 plan is
// completed (tasks done or cancelled); the 2026 plan is under way, with a mix
// of statuses and weights.
func (g *gen) tasks() {
	for p := range g.ds.Plans {
		plan := &g.ds.Plans[p]
		for num := 1; num <= g.sz.tasksPerPlan; num++ {
			tpl := taskTemplates[g.r.IntN(len(taskTemplates))]
			lead := g.r.IntN(3)
			t := domain.Task{ID: fmt.Sprintf("syn-task-%04d", len(g.ds.Tasks)+1), PlanID: plan.ID, Number: num,
				Title:             fmt.Sprintf("%s%s（%s）", Prefix, tpl.title, domain.Regions[g.r.IntN(len(domain.Regions))].Name),
				Theme:             tpl.theme,
				LeadBodyID:        parties[lead],
				SupportingBodyIDs: []string{}, Milestones: []domain.Milestone{}, EnterpriseIDs: []string{}, UnionIDs: []string{},
				Record: g.rec()}
			for k := 1; k <= 2; k++ {
				if g.r.IntN(10) < 7 {
					t.SupportingBodyIDs = append(t.SupportingBodyIDs, parties[(lead+k)%3])
				}
			}
			roll := g.r.IntN(100)
			switch {
			case plan.Year == 2025 && roll < 85, plan.Year == 2026 && roll >= 75:
				t.Status, t.Progress = domain.TaskDone, 100
			case plan.Year == 2025:
				t.Status, t.Progress = domain.TaskCancelled, 5+g.r.IntN(56)
			case roll < 15:
				t.Status, t.Progress = domain.TaskNotStarted, 0
			case roll < 60:
				t.Status, t.Progress = domain.TaskInProgress, 10+g.r.IntN(81)
			case roll < 68:
				t.Status, t.Progress = domain.TaskBlocked, 5+g.r.IntN(56)
			default:
				t.Status, t.Progress = domain.TaskCancelled, 5+g.r.IntN(56)
			}
			if plan.WeightedProgress {
				t.Weight = ptr(float64(1+g.r.IntN(6)) * 0.5)
			}
			yearStart := day(plan.Year, 2, 1)
			due := g.between(day(plan.Year, 3, 31), day(plan.Year, 12, 31))
			t.DueOn = ptr(due)
			ms := g.r.IntN(4)
			for k, d := range g.sortedDays(yearStart, due, ms) {
				mst := domain.Milestone{Title: fmt.Sprintf("%s第%d阶段", Prefix, k+1), DueOn: ptr(d)}
				done := t.Status == domain.TaskDone ||
					(t.Status != domain.TaskNotStarted && d.Before(lastDay) && g.r.IntN(2) == 0)
				if done {
					mst.DoneOn = ptr(earlier(lastDay, d.AddDate(0, 0, -g.r.IntN(10))))
				}
				t.Milestones = append(t.Milestones, mst)
			}
			if t.Theme == domain.ThemeUnionBuilding && len(g.noUnion) > 0 {
				for _, j := range g.pickDistinct(len(g.noUnion), 1+g.r.IntN(3)) {
					t.EnterpriseIDs = append(t.EnterpriseIDs, g.ds.Enterprises[g.noUnion[j]].ID)
				}
			} else {
				for _, j := range g.pickDistinct(len(g.ds.Enterprises), g.r.IntN(4)) {
					t.EnterpriseIDs = append(t.EnterpriseIDs, g.ds.Enterprises[j].ID)
				}
			}
			for _, j := range g.pickDistinct(len(g.ds.Unions), g.r.IntN(3)) {
				t.UnionIDs = append(t.UnionIDs, g.ds.Unions[j].ID)
			}
			g.ds.Tasks = append(g.ds.Tasks, t)
			g.progressUpdates(&t, later(yearStart, plan.AdoptedOn.AddDate(0, 0, 7)), earlier(lastDay, day(plan.Year, 12, 31)))
		}
	}
}

// progressUpdates reports a task's progress a few times between from and to,
// rising to the task's own progress and status.
func (g *gen) progressUpdates(t *domain.Task, from, to time.Time) {
	if t.Status == domain.TaskNotStarted {
		return
	}
	days := g.sortedDays(from, to, min(1+g.r.IntN(4), t.Progress))
	k := len(days)
	people := g.bodyPeople[bodyIndex(t.LeadBodyID)]
	for j, d := range days {
		u := domain.ProgressUpdate{ID: fmt.Sprintf("syn-progress-%04d", len(g.ds.ProgressUpdates)+1), TaskID: t.ID,
			ReportedAt: d.Add(2 * time.Hour), BodyID: t.LeadBodyID, Progress: t.Progress * (j + 1) / k,
			Status: domain.TaskInProgress, Text: fmt.Sprintf("%s第%d次进展报告", Prefix, j+1), Record: g.rec()}
		if j == k-1 {
			u.Status = t.Status
		}
		if g.r.IntN(10) < 7 {
			u.ReporterID = ptr(g.ds.People[people[g.r.IntN(len(people))]].ID)
		}
		g.ds.ProgressUpdates = append(g.ds.ProgressUpdates, u)
	}
}

// activities makes activities across 2025-2026, in date order, mostly
// organised by the UNION body in one city.
func (g *gen) activities() {
	n := g.sz.activities
	dates := make([]time.Time, n)
	for i := range dates {
		dates[i] = g.between(firstDay, lastDay)
	}
	slices.SortFunc(dates, func(a, b time.Time) int { return a.Compare(b) })
	kindW := make([]int, len(activityKinds))
	for i, k := range activityKinds {
		kindW[i] = k.weight
	}
	kinds := newPicker(kindW)
	organisers := []string{string(domain.BodyPostal), string(domain.BodyAssociation), string(domain.BodyFederation)}
	for i, date := range dates {
		ak := activityKinds[kinds.pick(g.r)]
		a := domain.Activity{ID: fmt.Sprintf("syn-act-%04d", i+1), Kind: ak.kind, OrganiserBodyID: string(domain.BodyUnion),
			Date: date, EnterpriseIDs: []string{}, UnionIDs: []string{}, Record: g.rec()}
		if g.r.IntN(100) >= 80 {
			a.OrganiserBodyID = organisers[g.r.IntN(len(organisers))]
		}
		if (ak.kind == domain.ActivityLabourCompetition || ak.kind == domain.ActivitySkillsTraining) && g.r.IntN(2) == 0 {
			a.EndDate = ptr(earlier(lastDay, date.AddDate(0, 0, 1+g.r.IntN(30))))
		}
		place := "全省"
		pool := g.ds.Enterprises
		var ents []int
		if g.r.IntN(10) > 0 {
			k := g.r.IntN(len(domain.Regions))
			place = domain.Regions[k].Name
			a.RegionCode = ptr(domain.Regions[k].Code)
			for _, j := range g.pickDistinct(len(g.entsIn[k]), g.r.IntN(4)) {
				ents = append(ents, g.entsIn[k][j])
			}
			if a.OrganiserBodyID == string(domain.BodyUnion) && g.r.IntN(2) == 0 {
				a.UnionIDs = append(a.UnionIDs, g.ds.Unions[g.fedUnion[k]].ID)
			}
		} else {
			ents = g.pickDistinct(len(pool), g.r.IntN(4))
		}
		slices.Sort(ents)
		for _, e := range ents {
			a.EnterpriseIDs = append(a.EnterpriseIDs, pool[e].ID)
			if g.mainUnion[e] >= 0 {
				a.UnionIDs = append(a.UnionIDs, g.ds.Unions[g.mainUnion[e]].ID)
			}
		}
		a.Title = fmt.Sprintf("%s%d年%s%s", Prefix, date.Year(), place, ak.title)
		if g.r.IntN(100) < 85 {
			a.ParticipantCount = ptr(ak.min + g.r.IntN(ak.max-ak.min+1))
		}
		if g.r.IntN(100) < 30 {
			var fits []string
			for _, t := range g.ds.Tasks {
				if t.Theme == ak.theme && t.Status != domain.TaskNotStarted && g.planYear(t.PlanID) == date.Year() {
					fits = append(fits, t.ID)
				}
			}
			if len(fits) > 0 {
				a.TaskID = ptr(fits[g.r.IntN(len(fits))])
			}
		}
		if g.r.IntN(100) < 20 {
			a.ExternalID = ptr(fmt.Sprintf("SYN-EXT-%05d", i+1))
		}
		g.ds.Activities = append(g.ds.Activities, a)
	}
}

func (g *gen) planYear(id string) int {
	for _, p := range g.ds.Plans {
		if p.ID == id {
			return p.Year
		}
	}
	return 0
}

func (g *gen) bodyShort(id string) string {
	for _, b := range g.ds.Bodies {
		if b.ID == id {
			return b.ShortName
		}
	}
	return id
}

// between returns a random day from a to b, both included.
func (g *gen) between(a, b time.Time) time.Time {
	days := int(b.Sub(a).Hours() / 24)
	if days <= 0 {
		return a
	}
	return a.AddDate(0, 0, g.r.IntN(days+1))
}

// sortedDays returns k distinct days from a to b in increasing order (fewer
// if the span is shorter than k days).
func (g *gen) sortedDays(a, b time.Time, k int) []time.Time {
	span := int(b.Sub(a).Hours()/24) + 1
	k = min(k, span)
	out := make([]time.Time, 0, k)
	for j := range k {
		lo, hi := span*j/k, span*(j+1)/k
		out = append(out, a.AddDate(0, 0, lo+g.r.IntN(hi-lo)))
	}
	return out
}

// pickDistinct returns up to k distinct indices below n.
func (g *gen) pickDistinct(n, k int) []int {
	out := []int{}
	for len(out) < min(k, n) {
		j := g.r.IntN(n)
		if !slices.Contains(out, j) {
			out = append(out, j)
		}
	}
	return out
}

// picker picks an index with probability proportional to its weight.
type picker struct{ cum []int }

func newPicker(weights []int) picker {
	cum, total := make([]int, len(weights)), 0
	for i, w := range weights {
		total += max(w, 1)
		cum[i] = total
	}
	return picker{cum}
}

func (p picker) pick(r *rand.Rand) int {
	i, _ := slices.BinarySearch(p.cum, r.IntN(p.cum[len(p.cum)-1])+1)
	return i
}

func bodyIndex(id string) int {
	for i, c := range domain.BodyCodes {
		if string(c) == id {
			return i
		}
	}
	return 0
}

func regionIndex(code string) int {
	for i, r := range domain.Regions {
		if r.Code == code {
			return i
		}
	}
	return 0
}

func cityShort(k int) string { return strings.TrimSuffix(domain.Regions[k].Name, "市") }

func day(y int, m time.Month, d int) time.Time { return time.Date(y, m, d, 0, 0, 0, 0, time.UTC) }

func ptr[T any](v T) *T { return &v }

func later(a, b time.Time) time.Time {
	if a.After(b) {
		return a
	}
	return b
}

func earlier(a, b time.Time) time.Time {
	if a.Before(b) {
		return a
	}
	return b
}
