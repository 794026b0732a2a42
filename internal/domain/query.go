package domain

import "time"

// The filters and orders below are what a dashboard asks for when it lists
// records. The graph binds its input types to them; the store turns them into
// MongoDB filters. Fields left nil or empty do not filter. Text filters match
// the text literally, anywhere in the name or title. IDs are the records' own
// ids (the graph decodes global IDs before it calls the store).

// OrderDirection is ascending or descending.
type OrderDirection string

const (
	Asc  OrderDirection = "ASC"
	Desc OrderDirection = "DESC"
)

// PageArgs are Relay pagination arguments.
type PageArgs struct {
	First  *int
	After  *string
	Last   *int
	Before *string
}

type EnterpriseFilter struct {
	RegionCodes  []string `bson:"regionCodes"`
	Brands       []string `bson:"brands"`
	NameContains *string  `bson:"nameContains"`
	CreditCode   *string  `bson:"creditCode"`
}

type EnterpriseOrderField string

const (
	EnterpriseByName      EnterpriseOrderField = "NAME"
	EnterpriseByCreatedAt EnterpriseOrderField = "CREATED_AT"
	EnterpriseByUpdatedAt EnterpriseOrderField = "UPDATED_AT"
)

type EnterpriseOrder struct {
	Field     EnterpriseOrderField `bson:"field"`
	Direction OrderDirection       `bson:"direction"`
}

type UnionFilter struct {
	Kinds         []UnionKind `bson:"kinds"`
	RegionCodes   []string    `bson:"regionCodes"`
	EnterpriseIDs []string    `bson:"enterpriseIds"`
	ParentID      *string     `bson:"parentId"`
	NameContains  *string     `bson:"nameContains"`
	FoundedFrom   *time.Time  `bson:"foundedFrom"`
	FoundedTo     *time.Time  `bson:"foundedTo"`
}

type UnionOrderField string

const (
	UnionByName      UnionOrderField = "NAME"
	UnionByCreatedAt UnionOrderField = "CREATED_AT"
	UnionByUpdatedAt UnionOrderField = "UPDATED_AT"
)

type UnionOrder struct {
	Field     UnionOrderField `bson:"field"`
	Direction OrderDirection  `bson:"direction"`
}

type MeetingFilter struct {
	Kinds         []MeetingKind `bson:"kinds"`
	HostBodies    []BodyCode    `bson:"hostBodies"`
	From          *time.Time    `bson:"from"`
	To            *time.Time    `bson:"to"`
	TitleContains *string       `bson:"titleContains"`
	PersonID      *string       `bson:"personId"`
	EnterpriseID  *string       `bson:"enterpriseId"`
}

type MeetingOrderField string

const (
	MeetingByDate      MeetingOrderField = "DATE"
	MeetingByUpdatedAt MeetingOrderField = "UPDATED_AT"
)

type MeetingOrder struct {
	Field     MeetingOrderField `bson:"field"`
	Direction OrderDirection    `bson:"direction"`
}

type PlanFilter struct {
	Years         []int        `bson:"years"`
	Bodies        []BodyCode   `bson:"bodies"`
	Statuses      []PlanStatus `bson:"statuses"`
	TitleContains *string      `bson:"titleContains"`
}

type PlanOrderField string

const (
	PlanByYear      PlanOrderField = "YEAR"
	PlanByUpdatedAt PlanOrderField = "UPDATED_AT"
)

type PlanOrder struct {
	Field     PlanOrderField `bson:"field"`
	Direction OrderDirection `bson:"direction"`
}

type TaskFilter struct {
	PlanID        *string      `bson:"planId"`
	LeadBodies    []BodyCode   `bson:"leadBodies"`
	Bodies        []BodyCode   `bson:"bodies"`
	Statuses      []TaskStatus `bson:"statuses"`
	Themes        []TaskTheme  `bson:"themes"`
	DueFrom       *time.Time   `bson:"dueFrom"`
	DueTo         *time.Time   `bson:"dueTo"`
	TitleContains *string      `bson:"titleContains"`
	EnterpriseID  *string      `bson:"enterpriseId"`
	UnionID       *string      `bson:"unionId"`
}

type TaskOrderField string

const (
	TaskByNumber    TaskOrderField = "NUMBER"
	TaskByProgress  TaskOrderField = "PROGRESS"
	TaskByUpdatedAt TaskOrderField = "UPDATED_AT"
)

type TaskOrder struct {
	Field     TaskOrderField `bson:"field"`
	Direction OrderDirection `bson:"direction"`
}

type ActivityFilter struct {
	Kinds           []ActivityKind `bson:"kinds"`
	OrganiserBodies []BodyCode     `bson:"organiserBodies"`
	RegionCodes     []string       `bson:"regionCodes"`
	From            *time.Time     `bson:"from"`
	To              *time.Time     `bson:"to"`
	TitleContains   *string        `bson:"titleContains"`
	EnterpriseID    *string        `bson:"enterpriseId"`
	TaskID          *string        `bson:"taskId"`
}

type ActivityOrderField string

const (
	ActivityByDate      ActivityOrderField = "DATE"
	ActivityByUpdatedAt ActivityOrderField = "UPDATED_AT"
)

type ActivityOrder struct {
	Field     ActivityOrderField `bson:"field"`
	Direction OrderDirection     `bson:"direction"`
}

// FiguresFilter narrows a union's membership figures to a range of periods
// (YYYY-MM, inclusive).
type FiguresFilter struct {
	PeriodFrom *string `bson:"periodFrom"`
	PeriodTo   *string `bson:"periodTo"`
}
