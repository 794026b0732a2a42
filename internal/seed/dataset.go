// Package seed holds the data sets sanfang can load into an empty store: the
// records of the 2025-12-30 joint meeting, built from its published report.
package seed

import "sanfang/internal/domain"

// Dataset is a whole set of records for every collection, ready to load.
type Dataset struct {
	Bodies          []domain.Body                  `json:"bodies"`
	People          []domain.Person                `json:"people"`
	Enterprises     []domain.Enterprise            `json:"enterprises"`
	Memberships     []domain.AssociationMembership `json:"memberships"`
	Unions          []domain.Union                 `json:"unions"`
	Figures         []domain.MembershipFigures     `json:"figures"`
	Meetings        []domain.Meeting               `json:"meetings"`
	Plans           []domain.Plan                  `json:"plans"`
	Tasks           []domain.Task                  `json:"tasks"`
	ProgressUpdates []domain.ProgressUpdate        `json:"progressUpdates"`
	Activities      []domain.Activity              `json:"activities"`
}
