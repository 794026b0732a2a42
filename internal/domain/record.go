package domain

import "time"

// ProvenanceBasis says how a record came to be known.
type ProvenanceBasis string

const (
	// BasisStated: a source document says so.
	BasisStated ProvenanceBasis = "STATED"
	// BasisInferred: a reasonable reading of a source, not stated in it.
	BasisInferred ProvenanceBasis = "INFERRED"
	// BasisSynthetic: made up by the synthetic data generator; not real.
	BasisSynthetic ProvenanceBasis = "SYNTHETIC"
	// BasisRecorded: entered by a body's staff or a partner system.
	BasisRecorded ProvenanceBasis = "RECORDED"
)

// Provenance tells where a record came from.
type Provenance struct {
	Basis ProvenanceBasis `bson:"basis" json:"basis"`
	// Source names the document or system the record came from.
	Source string `bson:"source,omitempty" json:"source,omitempty"`
	// Note explains an inference or a gap.
	Note string `bson:"note,omitempty" json:"note,omitempty"`
	// RecordedBy and RecordedAt say which credential last wrote the record
	// through sanfang, and when; unset for loaded data.
	RecordedBy *Actor     `bson:"recordedBy,omitempty" json:"recordedBy,omitempty"`
	RecordedAt *time.Time `bson:"recordedAt,omitempty" json:"recordedAt,omitempty"`
}

// Record holds the fields every stored entity carries.
type Record struct {
	Version    int        `bson:"version" json:"version"`
	CreatedAt  time.Time  `bson:"createdAt" json:"createdAt"`
	UpdatedAt  time.Time  `bson:"updatedAt" json:"updatedAt"`
	Provenance Provenance `bson:"provenance" json:"provenance"`
}

// Meta returns the record's common fields; every entity has it through its
// embedded Record.
func (r *Record) Meta() *Record { return r }
