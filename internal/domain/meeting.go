package domain

import "time"

// MeetingKind says what sort of meeting a meeting is.
type MeetingKind string

const (
	// MeetingTripartiteJoint is the three bodies' joint meeting (联席会议).
	MeetingTripartiteJoint MeetingKind = "TRIPARTITE_JOINT"
	MeetingWorkingGroup    MeetingKind = "WORKING_GROUP"
	MeetingOther           MeetingKind = "OTHER"
)

// ParticipantRole is what a participant did at a meeting.
type ParticipantRole string

const (
	RoleChaired  ParticipantRole = "CHAIRED"  // 主持会议
	RoleSpoke    ParticipantRole = "SPOKE"    // 讲话、发言
	RoleAttended ParticipantRole = "ATTENDED" // 参加会议
)

// SpeechKind tells an address by a body's leader from an exchange speech.
type SpeechKind string

const (
	SpeechAddress  SpeechKind = "ADDRESS"  // 讲话
	SpeechRemarks  SpeechKind = "REMARKS"  // 发言
	SpeechExchange SpeechKind = "EXCHANGE" // 交流发言
)

// Meeting is a meeting of the bodies, such as a tripartite joint meeting.
type Meeting struct {
	ID   string      `bson:"_id" json:"id"`
	Kind MeetingKind `bson:"kind" json:"kind"`
	// Sequence is the meeting's number within its kind (第二次 = 2).
	Sequence *int   `bson:"sequence,omitempty" json:"sequence,omitempty"`
	Title    string `bson:"title" json:"title"`
	// Date is the day the meeting was held; StartsAt the time, when known.
	Date     time.Time  `bson:"date" json:"date"`
	StartsAt *time.Time `bson:"startsAt,omitempty" json:"startsAt,omitempty"`
	// TimeOfDay is the time as a source gives it when no exact time is known (下午).
	TimeOfDay    *string         `bson:"timeOfDay,omitempty" json:"timeOfDay,omitempty"`
	Place        *string         `bson:"place,omitempty" json:"place,omitempty"`
	HostBodyIDs  []string        `bson:"hostBodyIds" json:"hostBodyIds"`
	ChairID      *string         `bson:"chairId,omitempty" json:"chairId,omitempty"`
	Participants []Participant   `bson:"participants" json:"participants"`
	Speeches     []Speech        `bson:"speeches" json:"speeches"`
	Agenda       []AgendaItem    `bson:"agenda" json:"agenda"`
	Decisions    []Decision      `bson:"decisions" json:"decisions"`
	Source       *SourceDocument `bson:"source,omitempty" json:"source,omitempty"`
	Record       `bson:",inline"`
}

// Participant is a person, or a body's or union's delegation, at a meeting.
// Who is known varies: a named person, or only "the head of 顺丰's union".
type Participant struct {
	PersonID     *string         `bson:"personId,omitempty" json:"personId,omitempty"`
	BodyID       *string         `bson:"bodyId,omitempty" json:"bodyId,omitempty"`
	EnterpriseID *string         `bson:"enterpriseId,omitempty" json:"enterpriseId,omitempty"`
	UnionID      *string         `bson:"unionId,omitempty" json:"unionId,omitempty"`
	Role         ParticipantRole `bson:"role" json:"role"`
	// Capacity describes who attended when no person is named (工会负责人).
	Capacity   *string    `bson:"capacity,omitempty" json:"capacity,omitempty"`
	Provenance Provenance `bson:"provenance" json:"provenance"`
}

// Speech is an address or exchange speech given at a meeting.
type Speech struct {
	Kind         SpeechKind `bson:"kind" json:"kind"`
	SpeakerID    *string    `bson:"speakerId,omitempty" json:"speakerId,omitempty"`
	BodyID       *string    `bson:"bodyId,omitempty" json:"bodyId,omitempty"`
	UnionID      *string    `bson:"unionId,omitempty" json:"unionId,omitempty"`
	EnterpriseID *string    `bson:"enterpriseId,omitempty" json:"enterpriseId,omitempty"`
	Summary      *string    `bson:"summary,omitempty" json:"summary,omitempty"`
	Provenance   Provenance `bson:"provenance" json:"provenance"`
}

// AgendaItem is one item of a meeting's agenda.
type AgendaItem struct {
	Title string `bson:"title" json:"title"`
}

// Decision is something a meeting decided, such as adopting a plan.
type Decision struct {
	Text   string  `bson:"text" json:"text"`
	PlanID *string `bson:"planId,omitempty" json:"planId,omitempty"`
}

// SourceDocument is the published record a meeting's data comes from.
type SourceDocument struct {
	Title       string     `bson:"title" json:"title"`
	Publisher   string     `bson:"publisher" json:"publisher"`
	PublishedOn *time.Time `bson:"publishedOn,omitempty" json:"publishedOn,omitempty"`
	URL         *string    `bson:"url,omitempty" json:"url,omitempty"`
}
