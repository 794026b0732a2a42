// Package domain holds sanfang's entities, enums, validation and error codes.
// It does no I/O: the store persists these types (bson tags) and the graph
// exposes them (gqlgen autobinds them by their bson tag names).
package domain

// BodyCode identifies one of the bodies that own data in sanfang.
type BodyCode string

const (
	// BodyPostal is 山西省邮政管理局, the regulator of the postal and express industry.
	BodyPostal BodyCode = "POSTAL"
	// BodyUnion is 山西省信息业工会联合会, the industry trade-union federation.
	BodyUnion BodyCode = "UNION"
	// BodyAssociation is 山西省快递协会, the association of express enterprises.
	BodyAssociation BodyCode = "ASSOCIATION"
	// BodyFederation is 山西省总工会, the parent of the UNION body.
	BodyFederation BodyCode = "FEDERATION"
)

// BodyCodes lists every body code in a stable order.
var BodyCodes = []BodyCode{BodyPostal, BodyUnion, BodyAssociation, BodyFederation}

// Valid reports whether c is a known body code.
func (c BodyCode) Valid() bool {
	for _, k := range BodyCodes {
		if c == k {
			return true
		}
	}
	return false
}

// BodyKind says what sort of organisation a body is.
type BodyKind string

const (
	BodyKindRegulator           BodyKind = "REGULATOR"
	BodyKindTradeUnion          BodyKind = "TRADE_UNION"
	BodyKindIndustryAssociation BodyKind = "INDUSTRY_ASSOCIATION"
	BodyKindUnionFederation     BodyKind = "UNION_FEDERATION"
)

// Body is one of the parties (or the parent federation). Its ID is its code.
type Body struct {
	ID        string   `bson:"_id" json:"id"`
	Code      BodyCode `bson:"code" json:"code"`
	Name      string   `bson:"name" json:"name"`
	ShortName string   `bson:"shortName" json:"shortName"`
	NameEn    string   `bson:"nameEn" json:"nameEn"`
	Kind      BodyKind `bson:"kind" json:"kind"`
	// ParentID is the ID of the body this one sits under (UNION under FEDERATION).
	ParentID *string `bson:"parentId,omitempty" json:"parentId,omitempty"`
	Record   `bson:",inline"`
}

// Strings converts a list of codes to plain strings.
func Strings[T ~string](cs []T) []string {
	out := make([]string, len(cs))
	for i, c := range cs {
		out[i] = string(c)
	}
	return out
}

// BodyCodesOf converts stored body ids (which are the codes) to codes.
func BodyCodesOf(ids []string) []BodyCode {
	out := make([]BodyCode, len(ids))
	for i, id := range ids {
		out[i] = BodyCode(id)
	}
	return out
}
