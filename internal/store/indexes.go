package store

import (
	"context"
	"fmt"

	"go.mongodb.org/mongo-driver/v2/bson"
	"go.mongodb.org/mongo-driver/v2/mongo"
	"go.mongodb.org/mongo-driver/v2/mongo/options"
)

// Index is one index a collection needs on real MongoDB. FerretDB accepts
// and ignores them (it scans), but production depends on them.
type Index struct {
	Part       Part
	Collection string
	Keys       bson.D
	Unique     bool
	Sparse     bool
}

// Indexes lists every index the queries in this package rely on: the filters
// a dashboard uses, the foreign keys batched look-ups use, the natural keys
// that must stay unique, and each order followed by _id.
var Indexes = []Index{
	{Part: Postal, Collection: "enterprises", Keys: bson.D{{Key: "creditCode", Value: 1}}, Unique: true, Sparse: true},
	{Part: Postal, Collection: "enterprises", Keys: bson.D{{Key: "nameKey", Value: 1}, {Key: "_id", Value: 1}}},
	{Part: Postal, Collection: "enterprises", Keys: bson.D{{Key: "regionCodes", Value: 1}}},
	{Part: Postal, Collection: "enterprises", Keys: bson.D{{Key: "brand", Value: 1}}},
	{Part: Postal, Collection: "enterprises", Keys: bson.D{{Key: "updatedAt", Value: 1}, {Key: "_id", Value: 1}}},

	{Part: Association, Collection: "memberships", Keys: bson.D{{Key: "enterpriseId", Value: 1}}, Unique: true},

	{Part: Union, Collection: "unions", Keys: bson.D{{Key: "enterpriseId", Value: 1}, {Key: "name", Value: 1}}, Unique: true},
	{Part: Union, Collection: "unions", Keys: bson.D{{Key: "parentId", Value: 1}}},
	{Part: Union, Collection: "unions", Keys: bson.D{{Key: "chairId", Value: 1}}},
	{Part: Union, Collection: "unions", Keys: bson.D{{Key: "regionCodes", Value: 1}}},
	{Part: Union, Collection: "unions", Keys: bson.D{{Key: "nameKey", Value: 1}, {Key: "_id", Value: 1}}},
	{Part: Union, Collection: "membershipFigures", Keys: bson.D{{Key: "unionId", Value: 1}, {Key: "period", Value: 1}}, Unique: true},
	{Part: Union, Collection: "activities", Keys: bson.D{{Key: "date", Value: 1}, {Key: "_id", Value: 1}}},
	{Part: Union, Collection: "activities", Keys: bson.D{{Key: "kind", Value: 1}, {Key: "date", Value: 1}}},
	{Part: Union, Collection: "activities", Keys: bson.D{{Key: "enterpriseIds", Value: 1}}},
	{Part: Union, Collection: "activities", Keys: bson.D{{Key: "taskId", Value: 1}}},
	{Part: Union, Collection: "activities", Keys: bson.D{{Key: "regionCode", Value: 1}}},
	{Part: Union, Collection: "activities", Keys: bson.D{{Key: "externalId", Value: 1}}, Unique: true, Sparse: true},

	{Part: Joint, Collection: "people", Keys: bson.D{{Key: "titles.bodyId", Value: 1}}},
	{Part: Joint, Collection: "people", Keys: bson.D{{Key: "nameKey", Value: 1}, {Key: "_id", Value: 1}}},
	{Part: Joint, Collection: "meetings", Keys: bson.D{{Key: "date", Value: 1}, {Key: "_id", Value: 1}}},
	{Part: Joint, Collection: "meetings", Keys: bson.D{{Key: "hostBodyIds", Value: 1}, {Key: "date", Value: 1}}},
	{Part: Joint, Collection: "meetings", Keys: bson.D{{Key: "participants.personId", Value: 1}}},
	{Part: Joint, Collection: "meetings", Keys: bson.D{{Key: "participants.enterpriseId", Value: 1}}},
	{Part: Joint, Collection: "meetings", Keys: bson.D{{Key: "participants.unionId", Value: 1}}},
	{Part: Joint, Collection: "plans", Keys: bson.D{{Key: "year", Value: 1}, {Key: "_id", Value: 1}}},
	{Part: Joint, Collection: "plans", Keys: bson.D{{Key: "adoptedAtMeetingId", Value: 1}}},
	{Part: Joint, Collection: "tasks", Keys: bson.D{{Key: "planId", Value: 1}, {Key: "number", Value: 1}, {Key: "_id", Value: 1}}},
	{Part: Joint, Collection: "tasks", Keys: bson.D{{Key: "leadBodyId", Value: 1}, {Key: "status", Value: 1}}},
	{Part: Joint, Collection: "tasks", Keys: bson.D{{Key: "supportingBodyIds", Value: 1}}},
	{Part: Joint, Collection: "tasks", Keys: bson.D{{Key: "enterpriseIds", Value: 1}}},
	{Part: Joint, Collection: "tasks", Keys: bson.D{{Key: "unionIds", Value: 1}}},
	{Part: Joint, Collection: "progressUpdates", Keys: bson.D{{Key: "taskId", Value: 1}, {Key: "reportedAt", Value: -1}}},
	{Part: Joint, Collection: "auditLog", Keys: bson.D{{Key: "seq", Value: 1}}, Unique: true},
	{Part: Joint, Collection: "auditLog", Keys: bson.D{{Key: "entityKind", Value: 1}, {Key: "entityId", Value: 1}, {Key: "seq", Value: 1}}},
	{Part: Joint, Collection: "auditLog", Keys: bson.D{{Key: "actor.credentialId", Value: 1}, {Key: "seq", Value: 1}}},
	{Part: Joint, Collection: "auditLog", Keys: bson.D{{Key: "body", Value: 1}, {Key: "seq", Value: 1}}},
	{Part: Joint, Collection: "auditLog", Keys: bson.D{{Key: "at", Value: 1}}},
}

// Every writable collection has a sparse index on the pending audit record,
// so Reconcile finds unfinished writes without a scan on MongoDB.
func init() {
	for _, c := range []struct {
		p    Part
		name string
	}{{Postal, "enterprises"}, {Association, "memberships"}, {Union, "unions"}, {Union, "membershipFigures"}, {Union, "activities"},
		{Joint, "people"}, {Joint, "meetings"}, {Joint, "plans"}, {Joint, "tasks"}, {Joint, "progressUpdates"}} {
		Indexes = append(Indexes, Index{Part: c.p, Collection: c.name, Keys: bson.D{{Key: pendingField + "._id", Value: 1}}, Sparse: true})
	}
}

// EnsureIndexes creates every declared index. Creating an index that exists
// with the same options does nothing, so this runs at every start.
func (s *Store) EnsureIndexes(ctx context.Context) error {
	for _, ix := range Indexes {
		opts := options.Index()
		if ix.Unique {
			opts.SetUnique(true)
		}
		if ix.Sparse {
			opts.SetSparse(true)
		}
		model := mongo.IndexModel{Keys: ix.Keys, Options: opts}
		if _, err := s.dbs[ix.Part].Collection(ix.Collection).Indexes().CreateOne(ctx, model); err != nil {
			return fmt.Errorf("create index %v on %s.%s: %w", ix.Keys, ix.Part, ix.Collection, err)
		}
	}
	return nil
}
