package domain

import "time"

// ActivityKind is the sort of service or event an activity is.
type ActivityKind string

const (
	ActivityLabourCompetition ActivityKind = "LABOUR_COMPETITION" // 劳动竞赛
	ActivitySkillsTraining    ActivityKind = "SKILLS_TRAINING"    // 技能培训
	ActivityCareService       ActivityKind = "CARE_SERVICE"       // 十送 关爱服务
	ActivityRightsProtection  ActivityKind = "RIGHTS_PROTECTION"  // 维权服务
	ActivityOther             ActivityKind = "OTHER"
)

// Activity is a labour competition, training, care or rights-protection
// service the UNION body records.
type Activity struct {
	ID    string       `bson:"_id" json:"id"`
	Kind  ActivityKind `bson:"kind" json:"kind"`
	Title string       `bson:"title" json:"title"`
	// OrganiserBodyID is the body that organised it.
	OrganiserBodyID string     `bson:"organiserBodyId" json:"organiserBodyId"`
	Date            time.Time  `bson:"date" json:"date"`
	EndDate         *time.Time `bson:"endDate,omitempty" json:"endDate,omitempty"`
	RegionCode      *string    `bson:"regionCode,omitempty" json:"regionCode,omitempty"`
	EnterpriseIDs   []string   `bson:"enterpriseIds" json:"enterpriseIds"`
	UnionIDs        []string   `bson:"unionIds" json:"unionIds"`
	// ParticipantCount is how many took part, when known.
	ParticipantCount *int `bson:"participantCount,omitempty" json:"participantCount,omitempty"`
	// TaskID is the plan task the activity serves.
	TaskID *string `bson:"taskId,omitempty" json:"taskId,omitempty"`
	// ExternalID is a partner system's own id for the activity.
	ExternalID *string `bson:"externalId,omitempty" json:"externalId,omitempty"`
	Record     `bson:",inline"`
}
