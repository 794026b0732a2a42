package domain

// Person is someone who holds titles in one or more bodies (杨晓兰 holds
// titles in both FEDERATION and UNION).
type Person struct {
	ID     string  `bson:"_id" json:"id"`
	Name   string  `bson:"name" json:"name"`
	Titles []Title `bson:"titles" json:"titles"`
	Phone  *string `bson:"phone,omitempty" json:"phone,omitempty"`
	Email  *string `bson:"email,omitempty" json:"email,omitempty"`
	// NameKey orders names by their Chinese (pinyin) collation.
	NameKey string `bson:"nameKey" json:"-"`
	Record  `bson:",inline"`
}

// Title is one post a person holds in a body, e.g. 党组书记、局长.
type Title struct {
	BodyID string `bson:"bodyId" json:"bodyId"`
	Title  string `bson:"title" json:"title"`
}

// BodyIDs lists the distinct bodies the person holds titles in.
func (p *Person) BodyIDs() []string {
	var ids []string
	seen := map[string]bool{}
	for _, t := range p.Titles {
		if !seen[t.BodyID] {
			seen[t.BodyID] = true
			ids = append(ids, t.BodyID)
		}
	}
	return ids
}
