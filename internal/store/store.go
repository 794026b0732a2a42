// Package store keeps sanfang's records in MongoDB: which body's database
// holds which collection, the indexes real MongoDB needs, filters, pages and
// batched look-ups. It uses only what both MongoDB and FerretDB support (see
// docs/architecture.md): no $lookup, no transactions.
package store

import (
	"context"
	"errors"
	"fmt"
	"time"

	"go.mongodb.org/mongo-driver/v2/event"
	"go.mongodb.org/mongo-driver/v2/mongo"
	"go.mongodb.org/mongo-driver/v2/mongo/options"

	"sanfang/internal/domain"
)

// Part is one of the four databases: one per body, and one held jointly.
type Part string

const (
	Postal      Part = "postal"
	Union       Part = "union"
	Association Part = "association"
	Joint       Part = "joint"
)

// Parts lists the databases in a stable order.
var Parts = []Part{Postal, Union, Association, Joint}

// Owner is the body that owns a part's data; the joint part has none.
func (p Part) Owner() domain.BodyCode {
	switch p {
	case Postal:
		return domain.BodyPostal
	case Union:
		return domain.BodyUnion
	case Association:
		return domain.BodyAssociation
	}
	return ""
}

// Location is where a part's database lives.
type Location struct {
	URI      string
	Database string
}

// Config says where each part lives and how the store behaves.
type Config struct {
	Locations map[Part]Location
	Pages     PageLimits
	// Monitor, if set, sees every command sent to every database.
	Monitor *event.CommandMonitor
	// PoolMonitor, if set, sees every client's connection-pool events
	// (connections created, checked out, checked in, closed; pools cleared).
	PoolMonitor *event.PoolMonitor
	// Timeout bounds server selection and connection set-up.
	Timeout time.Duration
}

// Store is the open set of databases and their collections.
type Store struct {
	clients map[string]*mongo.Client
	dbs     map[Part]*mongo.Database

	Bodies          *Collection[domain.Body]
	People          *Collection[domain.Person]
	Enterprises     *Collection[domain.Enterprise]
	Memberships     *Collection[domain.AssociationMembership]
	Unions          *Collection[domain.Union]
	Figures         *Collection[domain.MembershipFigures]
	Activities      *Collection[domain.Activity]
	Meetings        *Collection[domain.Meeting]
	Plans           *Collection[domain.Plan]
	Tasks           *Collection[domain.Task]
	ProgressUpdates *Collection[domain.ProgressUpdate]
	// Audit is the audit log, read as pages; AppendAudit writes it.
	Audit *Collection[domain.AuditRecord]

	audit *auditLog
	locks docLocks
}

// Open connects to every part's database (one client per distinct URI) and
// checks each answers.
func Open(ctx context.Context, cfg Config) (*Store, error) {
	if cfg.Pages.Max <= 0 {
		cfg.Pages = PageLimits{Default: 20, Max: 100}
	}
	if cfg.Timeout <= 0 {
		cfg.Timeout = 10 * time.Second
	}
	s := &Store{clients: map[string]*mongo.Client{}, dbs: map[Part]*mongo.Database{}}
	for _, p := range Parts {
		loc, ok := cfg.Locations[p]
		if !ok || loc.URI == "" || loc.Database == "" {
			s.Close(context.WithoutCancel(ctx))
			return nil, fmt.Errorf("open store: no MongoDB URI or database name for the %s database", p)
		}
		client, ok := s.clients[loc.URI]
		if !ok {
			opts := options.Client().ApplyURI(loc.URI).
				SetServerSelectionTimeout(cfg.Timeout).
				SetConnectTimeout(cfg.Timeout).
				SetAppName("sanfang")
			if cfg.Monitor != nil {
				opts.SetMonitor(cfg.Monitor)
			}
			if cfg.PoolMonitor != nil {
				opts.SetPoolMonitor(cfg.PoolMonitor)
			}
			var err error
			if client, err = mongo.Connect(opts); err != nil {
				s.Close(context.WithoutCancel(ctx))
				return nil, fmt.Errorf("open store: connect to the %s database: %w", p, err)
			}
			s.clients[loc.URI] = client
		}
		s.dbs[p] = client.Database(loc.Database)
	}
	if err := s.Ping(ctx); err != nil {
		s.Close(context.WithoutCancel(ctx))
		return nil, fmt.Errorf("open store: %w", err)
	}
	s.Bodies = collection[domain.Body](s, Joint, "bodies", cfg.Pages)
	s.People = collection[domain.Person](s, Joint, "people", cfg.Pages)
	s.Meetings = collection[domain.Meeting](s, Joint, "meetings", cfg.Pages)
	s.Plans = collection[domain.Plan](s, Joint, "plans", cfg.Pages)
	s.Tasks = collection[domain.Task](s, Joint, "tasks", cfg.Pages)
	s.ProgressUpdates = collection[domain.ProgressUpdate](s, Joint, "progressUpdates", cfg.Pages)
	s.Enterprises = collection[domain.Enterprise](s, Postal, "enterprises", cfg.Pages)
	s.Memberships = collection[domain.AssociationMembership](s, Association, "memberships", cfg.Pages)
	s.Unions = collection[domain.Union](s, Union, "unions", cfg.Pages)
	s.Figures = collection[domain.MembershipFigures](s, Union, "membershipFigures", cfg.Pages)
	s.Activities = collection[domain.Activity](s, Union, "activities", cfg.Pages)
	s.Audit = collection[domain.AuditRecord](s, Joint, "auditLog", cfg.Pages)
	s.audit = &auditLog{records: s.Audit.coll, counters: s.dbs[Joint].Collection("counters")}
	return s, nil
}

func collection[T any](s *Store, p Part, name string, pages PageLimits) *Collection[T] {
	return &Collection[T]{coll: s.dbs[p].Collection(name), limit: pages}
}

// Database returns a part's database.
func (s *Store) Database(p Part) *mongo.Database { return s.dbs[p] }

// Ping checks that every part's database answers.
func (s *Store) Ping(ctx context.Context) error {
	var errs []error
	for _, p := range Parts {
		if err := s.dbs[p].Client().Ping(ctx, nil); err != nil {
			errs = append(errs, fmt.Errorf("ping the %s database: %w", p, err))
		}
	}
	return errors.Join(errs...)
}

// Close disconnects every client.
func (s *Store) Close(ctx context.Context) error {
	var errs []error
	for _, c := range s.clients {
		if err := c.Disconnect(ctx); err != nil {
			errs = append(errs, err)
		}
	}
	return errors.Join(errs...)
}
