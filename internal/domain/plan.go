package domain

import "time"

// PlanStatus is where a plan stands.
type PlanStatus string

const (
	PlanDraft     PlanStatus = "DRAFT"
	PlanAdopted   PlanStatus = "ADOPTED"
	PlanCompleted PlanStatus = "COMPLETED"
)

// Plan is a yearly joint work plan, such as 2026年三方联合工作方案.
type Plan struct {
	ID     string     `bson:"_id" json:"id"`
	Year   int        `bson:"year" json:"year"`
	Title  string     `bson:"title" json:"title"`
	Status PlanStatus `bson:"status" json:"status"`
	// BodyIDs are the parties to the plan.
	BodyIDs []string `bson:"bodyIds" json:"bodyIds"`
	// AdoptedAtMeetingID is the meeting that adopted the plan.
	AdoptedAtMeetingID *string    `bson:"adoptedAtMeetingId,omitempty" json:"adoptedAtMeetingId,omitempty"`
	AdoptedOn          *time.Time `bson:"adoptedOn,omitempty" json:"adoptedOn,omitempty"`
	// WeightedProgress says whether overall progress weighs tasks by Weight.
	WeightedProgress bool `bson:"weightedProgress" json:"weightedProgress"`
	Record           `bson:",inline"`
}

// TaskStatus is where a task stands.
type TaskStatus string

const (
	TaskNotStarted TaskStatus = "NOT_STARTED"
	TaskInProgress TaskStatus = "IN_PROGRESS"
	TaskDone       TaskStatus = "DONE"
	TaskBlocked    TaskStatus = "BLOCKED"
	TaskCancelled  TaskStatus = "CANCELLED"
)

// TaskTheme is the area of work a task belongs to.
type TaskTheme string

const (
	ThemeWorkforceReform   TaskTheme = "WORKFORCE_REFORM"     // 产业工人队伍建设改革
	ThemeLabourCompetition TaskTheme = "LABOUR_COMPETITION"   // 劳动竞赛
	ThemeSkillsTraining    TaskTheme = "SKILLS_TRAINING"      // 技能培训
	ThemeRightsProtection  TaskTheme = "RIGHTS_PROTECTION"    // 维权服务
	ThemeCareServices      TaskTheme = "CARE_SERVICES"        // 十送
	ThemeUnionBuilding     TaskTheme = "UNION_BUILDING"       // 建会入会
	ThemeRegionalUnions    TaskTheme = "REGIONAL_FEDERATIONS" // 区域快递行业工会联合会
	ThemeFunding           TaskTheme = "FUNDING"              // 经费保障
	ThemeStandardisation   TaskTheme = "STANDARDISATION"      // 规范组织建设
	ThemeOfficerTraining   TaskTheme = "OFFICER_TRAINING"     // 工会干部培训
	ThemeOther             TaskTheme = "OTHER"
)

// Task is one agreed task of a plan.
type Task struct {
	ID     string `bson:"_id" json:"id"`
	PlanID string `bson:"planId" json:"planId"`
	// Number is the task's place in the plan, from 1.
	Number      int       `bson:"number" json:"number"`
	Title       string    `bson:"title" json:"title"`
	Description *string   `bson:"description,omitempty" json:"description,omitempty"`
	Theme       TaskTheme `bson:"theme" json:"theme"`
	LeadBodyID  string    `bson:"leadBodyId" json:"leadBodyId"`
	// SupportingBodyIDs are the other bodies that work on the task.
	SupportingBodyIDs []string   `bson:"supportingBodyIds" json:"supportingBodyIds"`
	Status            TaskStatus `bson:"status" json:"status"`
	// Progress is the task's completion, 0-100.
	Progress      int         `bson:"progress" json:"progress"`
	Weight        *float64    `bson:"weight,omitempty" json:"weight,omitempty"`
	DueOn         *time.Time  `bson:"dueOn,omitempty" json:"dueOn,omitempty"`
	Milestones    []Milestone `bson:"milestones" json:"milestones"`
	EnterpriseIDs []string    `bson:"enterpriseIds" json:"enterpriseIds"`
	UnionIDs      []string    `bson:"unionIds" json:"unionIds"`
	Record        `bson:",inline"`
}

// Milestone is a dated step within a task.
type Milestone struct {
	Title  string     `bson:"title" json:"title"`
	DueOn  *time.Time `bson:"dueOn,omitempty" json:"dueOn,omitempty"`
	DoneOn *time.Time `bson:"doneOn,omitempty" json:"doneOn,omitempty"`
}

// ProgressUpdate is one report of progress on a task, kept as its own record.
type ProgressUpdate struct {
	ID         string     `bson:"_id" json:"id"`
	TaskID     string     `bson:"taskId" json:"taskId"`
	ReportedAt time.Time  `bson:"reportedAt" json:"reportedAt"`
	BodyID     string     `bson:"bodyId" json:"bodyId"`
	ReporterID *string    `bson:"reporterId,omitempty" json:"reporterId,omitempty"`
	Progress   int        `bson:"progress" json:"progress"`
	Status     TaskStatus `bson:"status" json:"status"`
	Text       string     `bson:"text" json:"text"`
	Record     `bson:",inline"`
}
