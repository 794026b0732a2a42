package graph

import (
	"encoding/base64"
	"strings"

	"sanfang/internal/domain"
)

// Global IDs are base64url("Type:id"): opaque to clients, and they say which
// type a node(id:) look-up is for. The domain and the store use plain ids.

func globalID(typ, id string) string {
	return base64.RawURLEncoding.EncodeToString([]byte(typ + ":" + id))
}

// parseGlobalID splits a global ID into its type and id.
func parseGlobalID(arg, gid string) (typ, id string, err error) {
	b, decErr := base64.RawURLEncoding.DecodeString(gid)
	typ, id, ok := strings.Cut(string(b), ":")
	// Only the one spelling this server hands out: the decoder would also
	// take line breaks and stray trailing bits, so that one record had many
	// IDs (and cache keys).
	canonical := decErr == nil && base64.RawURLEncoding.EncodeToString(b) == gid
	if !canonical || !ok || typ == "" || id == "" {
		return "", "", domain.InputErrorf(arg, "%q is not a sanfang ID: pass the id field of a record unchanged", gid)
	}
	return typ, id, nil
}

// localID decodes a global ID that must be of the given type.
func localID(arg, typ, gid string) (string, error) {
	t, id, err := parseGlobalID(arg, gid)
	if err != nil {
		return "", err
	}
	if t != typ {
		return "", domain.InputErrorf(arg, "%s must be the ID of a record of type %s, but this one is of type %s", arg, typ, t)
	}
	return id, nil
}

// localIDs decodes, in place, optional global IDs of one type in a filter.
func localIDs(arg, typ string, gids ...*string) error {
	for _, g := range gids {
		if g == nil {
			continue
		}
		id, err := localID(arg, typ, *g)
		if err != nil {
			return err
		}
		*g = id
	}
	return nil
}

// localIDList decodes, in place, a list of global IDs of one type.
func localIDList(arg, typ string, gids []string) error {
	for i := range gids {
		if err := localIDs(arg, typ, &gids[i]); err != nil {
			return err
		}
	}
	return nil
}
