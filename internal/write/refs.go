package write

import (
	"context"
	"fmt"

	"sanfang/internal/domain"
	"sanfang/internal/store"
)

// ref is a reference a record makes to another record, to be checked
// before the record is written.
type ref struct {
	// field is the input path of the reference.
	field string
	// kind is the kind of record referred to.
	kind string
	id   string
	// check, if set, says what is wrong with the record referred to
	// (e.g. it belongs to the wrong body), or "".
	check func(found any) string
}

// checkRefs looks up every referenced record, one round trip per kind, and
// reports the references that point at nothing or at the wrong record.
func (s *Service) checkRefs(ctx context.Context, refs []ref) ([]domain.FieldError, error) {
	byKind := map[string][]string{}
	for _, r := range refs {
		if r.id != "" {
			byKind[r.kind] = append(byKind[r.kind], r.id)
		}
	}
	found := map[string]map[string]any{}
	for kind, ids := range byKind {
		m, err := s.lookup(ctx, kind, ids)
		if err != nil {
			return nil, err
		}
		found[kind] = m
	}
	var problems []domain.FieldError
	for _, r := range refs {
		if r.id == "" {
			continue
		}
		v, ok := found[r.kind][r.id]
		if !ok {
			problems = append(problems, domain.FieldError{Field: r.field, Reason: domain.ReasonNotFound, Message: fmt.Sprintf("there is no %s with this id", r.kind)})
			continue
		}
		if r.check != nil {
			if msg := r.check(v); msg != "" {
				problems = append(problems, domain.FieldError{Field: r.field, Reason: domain.ReasonConflict, Message: msg})
			}
		}
	}
	return problems, nil
}

func (s *Service) lookup(ctx context.Context, kind string, ids []string) (map[string]any, error) {
	out := map[string]any{}
	var err error
	switch kind {
	case "Body":
		err = lookupIn(ctx, s.st.Bodies, ids, out)
	case "Person":
		err = lookupIn(ctx, s.st.People, ids, out)
	case "Enterprise":
		err = lookupIn(ctx, s.st.Enterprises, ids, out)
	case "Union":
		err = lookupIn(ctx, s.st.Unions, ids, out)
	case "Meeting":
		err = lookupIn(ctx, s.st.Meetings, ids, out)
	case "Plan":
		err = lookupIn(ctx, s.st.Plans, ids, out)
	case "Task":
		err = lookupIn(ctx, s.st.Tasks, ids, out)
	default:
		return nil, fmt.Errorf("check references: unknown kind %q", kind)
	}
	return out, err
}

func lookupIn[T any](ctx context.Context, c *store.Collection[T], ids []string, out map[string]any) error {
	found, err := c.ByIDs(ctx, ids)
	for id, v := range found {
		out[id] = v
	}
	return err
}
