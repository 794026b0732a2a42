package domain

import "time"

// Enterprise is an express enterprise's operation in Shanxi, as licensed by
// the POSTAL body.
type Enterprise struct {
	ID string `bson:"_id" json:"id"`
	// Name is the name the bodies write, e.g. 山西顺丰.
	Name string `bson:"name" json:"name"`
	// LegalName is the registered name, when known.
	LegalName *string `bson:"legalName,omitempty" json:"legalName,omitempty"`
	// Brand is the express brand, e.g. 顺丰.
	Brand   string `bson:"brand" json:"brand"`
	BrandEn string `bson:"brandEn" json:"brandEn"`
	// CreditCode is the unified social credit code (GB 32100-2015), when known.
	CreditCode  *string  `bson:"creditCode,omitempty" json:"creditCode,omitempty"`
	RegionCodes []string `bson:"regionCodes" json:"regionCodes"`
	// Outlets, Couriers and Employees are the licensed operation's figures, as
	// of FiguresAsOf; nil where no source gives them.
	Outlets     *int       `bson:"outlets,omitempty" json:"outlets,omitempty"`
	Couriers    *int       `bson:"couriers,omitempty" json:"couriers,omitempty"`
	Employees   *int       `bson:"employees,omitempty" json:"employees,omitempty"`
	FiguresAsOf *time.Time `bson:"figuresAsOf,omitempty" json:"figuresAsOf,omitempty"`
	NameKey     string     `bson:"nameKey" json:"-"`
	Record      `bson:",inline"`
}

// MembershipLevel is an enterprise's standing in the ASSOCIATION.
type MembershipLevel string

const (
	LevelPresident     MembershipLevel = "PRESIDENT"      // 会长单位
	LevelVicePresident MembershipLevel = "VICE_PRESIDENT" // 副会长单位
	LevelDirector      MembershipLevel = "DIRECTOR"       // 理事单位
	LevelMember        MembershipLevel = "MEMBER"         // 会员单位
)

// AssociationMembership records an enterprise's membership of the
// ASSOCIATION; the ASSOCIATION body owns it.
type AssociationMembership struct {
	ID           string          `bson:"_id" json:"id"`
	EnterpriseID string          `bson:"enterpriseId" json:"enterpriseId"`
	Level        MembershipLevel `bson:"level" json:"level"`
	Since        *time.Time      `bson:"since,omitempty" json:"since,omitempty"`
	Until        *time.Time      `bson:"until,omitempty" json:"until,omitempty"`
	Record       `bson:",inline"`
}
