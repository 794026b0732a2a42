package domain

import (
	"fmt"
	"time"
)

// UnionKind says what sort of trade-union organisation a union is.
type UnionKind string

const (
	// UnionEnterprise is an enterprise's own union (企业工会).
	UnionEnterprise UnionKind = "ENTERPRISE"
	// UnionRegionalFederation is a city's express-industry union federation
	// (区域快递行业工会联合会).
	UnionRegionalFederation UnionKind = "REGIONAL_FEDERATION"
)

// Union is a trade-union organisation the UNION body records.
type Union struct {
	ID   string    `bson:"_id" json:"id"`
	Name string    `bson:"name" json:"name"`
	Kind UnionKind `bson:"kind" json:"kind"`
	// EnterpriseID is set for enterprise unions.
	EnterpriseID *string  `bson:"enterpriseId,omitempty" json:"enterpriseId,omitempty"`
	RegionCodes  []string `bson:"regionCodes" json:"regionCodes"`
	// ParentID is the union this one belongs to, e.g. a regional federation.
	ParentID  *string    `bson:"parentId,omitempty" json:"parentId,omitempty"`
	FoundedOn *time.Time `bson:"foundedOn,omitempty" json:"foundedOn,omitempty"`
	// ChairID is the person who chairs the union, when known.
	ChairID *string `bson:"chairId,omitempty" json:"chairId,omitempty"`
	NameKey string  `bson:"nameKey" json:"-"`
	Record  `bson:",inline"`
}

// MembershipFigures are a union's figures for one period (a month, YYYY-MM).
// Figures no source gives are nil.
type MembershipFigures struct {
	ID      string `bson:"_id" json:"id"`
	UnionID string `bson:"unionId" json:"unionId"`
	// Period is the month the figures describe, as YYYY-MM.
	Period         string `bson:"period" json:"period"`
	Employees      *int   `bson:"employees,omitempty" json:"employees,omitempty"`
	Couriers       *int   `bson:"couriers,omitempty" json:"couriers,omitempty"`
	Members        *int   `bson:"members,omitempty" json:"members,omitempty"`
	CourierMembers *int   `bson:"courierMembers,omitempty" json:"courierMembers,omitempty"`
	Record         `bson:",inline"`
}

// MembershipRate is members / employees, or nil when either is unknown or
// there are no employees.
func (f *MembershipFigures) MembershipRate() *float64 { return Rate(f.Members, f.Employees) }

// CourierMembershipRate is courier members / couriers, or nil when either is
// unknown or there are no couriers.
func (f *MembershipFigures) CourierMembershipRate() *float64 {
	return Rate(f.CourierMembers, f.Couriers)
}

// Rate is part / whole, or nil when either is unknown or whole is zero: a
// rate with nothing to divide by is unknown, not zero and not NaN.
func Rate(part, whole *int) *float64 {
	if part == nil || whole == nil || *whole == 0 {
		return nil
	}
	r := float64(*part) / float64(*whole)
	return &r
}

// ValidatePeriod checks that p is a month written YYYY-MM.
func ValidatePeriod(p string) error {
	if _, err := time.Parse("2006-01", p); err != nil || len(p) != 7 {
		return fmt.Errorf("%q is not a month: write it as YYYY-MM, e.g. 2026-03", p)
	}
	return nil
}
