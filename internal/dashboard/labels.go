package dashboard

import (
	"strconv"

	"sanfang/internal/domain"
)

// The labels below are the words the bodies use. A code none of them knows
// is labelled with itself.

// TaskStatuses lists the task statuses in the order dashboards show them.
var TaskStatuses = []domain.TaskStatus{domain.TaskNotStarted, domain.TaskInProgress, domain.TaskDone, domain.TaskBlocked, domain.TaskCancelled}

// ActivityKinds lists the activity kinds in the order dashboards show them.
var ActivityKinds = []domain.ActivityKind{domain.ActivityLabourCompetition, domain.ActivitySkillsTraining, domain.ActivityCareService, domain.ActivityRightsProtection, domain.ActivityOther}

// MeetingKinds lists the meeting kinds in the order dashboards show them.
var MeetingKinds = []domain.MeetingKind{domain.MeetingTripartiteJoint, domain.MeetingWorkingGroup, domain.MeetingOther}

var taskStatusLabels = map[domain.TaskStatus]string{
	domain.TaskNotStarted: "未开始",
	domain.TaskInProgress: "进行中",
	domain.TaskDone:       "已完成",
	domain.TaskBlocked:    "受阻",
	domain.TaskCancelled:  "已取消",
}

var activityKindLabels = map[domain.ActivityKind]string{
	domain.ActivityLabourCompetition: "劳动竞赛",
	domain.ActivitySkillsTraining:    "技能培训",
	domain.ActivityCareService:       "关爱服务",
	domain.ActivityRightsProtection:  "维权服务",
	domain.ActivityOther:             "其他",
}

var meetingKindLabels = map[domain.MeetingKind]string{
	domain.MeetingTripartiteJoint: "三方联席会议",
	domain.MeetingWorkingGroup:    "工作组会议",
	domain.MeetingOther:           "其他会议",
}

var unionKindLabels = map[domain.UnionKind]string{
	domain.UnionEnterprise:         "企业工会",
	domain.UnionRegionalFederation: "区域快递行业工会联合会",
}

// bodyShortNames are the bodies' short names, fixed like their codes (a
// look-up in the bodies collection would cost a round trip for four words).
var bodyShortNames = map[domain.BodyCode]string{
	domain.BodyPostal:      "省邮政管理局",
	domain.BodyUnion:       "省信息业工会",
	domain.BodyAssociation: "省快递协会",
	domain.BodyFederation:  "省总工会",
}

// ProvinceKey and ProvinceLabel mark what concerns the whole province rather
// than one city (an activity with no region): 140000 is Shanxi's own code.
const (
	ProvinceKey   = "140000"
	ProvinceLabel = "全省"
)

// TaskStatusLabel is how the bodies write a task status, e.g. 进行中.
func TaskStatusLabel(s domain.TaskStatus) string { return labelOr(taskStatusLabels, s) }

// ActivityKindLabel is how the bodies write an activity kind, e.g. 劳动竞赛.
func ActivityKindLabel(k domain.ActivityKind) string { return labelOr(activityKindLabels, k) }

// MeetingKindLabel is how the bodies write a meeting kind, e.g. 三方联席会议.
func MeetingKindLabel(k domain.MeetingKind) string { return labelOr(meetingKindLabels, k) }

// UnionKindLabel is how the bodies write a union kind, e.g. 企业工会.
func UnionKindLabel(k domain.UnionKind) string { return labelOr(unionKindLabels, k) }

// BodyLabel is a body's short name, e.g. 省邮政管理局, given its id (its code).
func BodyLabel(id string) string { return labelOr(bodyShortNames, domain.BodyCode(id)) }

// RegionLabel is a city's name, e.g. 太原市, given its code.
func RegionLabel(code string) string {
	if code == ProvinceKey {
		return ProvinceLabel
	}
	if r, ok := domain.RegionByCode(code); ok {
		return r.Name
	}
	return code
}

// MonthLabel writes a YYYY-MM month as the bodies do, e.g. 2026年3月.
func MonthLabel(ym string) string {
	if len(ym) != 7 {
		return ym
	}
	m, err := strconv.Atoi(ym[5:])
	if err != nil {
		return ym
	}
	return ym[:4] + "年" + strconv.Itoa(m) + "月"
}

func labelOr[K ~string](labels map[K]string, k K) string {
	if l, ok := labels[k]; ok {
		return l
	}
	return string(k)
}

// bodyOrder sorts body ids: the four bodies in domain.BodyCodes order, then
// any other id alphabetically.
func bodyOrder(a, b string) int {
	ia, ib := bodyIndex(a), bodyIndex(b)
	switch {
	case ia != ib:
		return ia - ib
	case a < b:
		return -1
	case a > b:
		return 1
	}
	return 0
}

func bodyIndex(id string) int {
	for i, c := range domain.BodyCodes {
		if string(c) == id {
			return i
		}
	}
	return len(domain.BodyCodes)
}
