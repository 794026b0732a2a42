package auth_test

import (
	"errors"
	"testing"

	"sanfang/internal/domain"
	"sanfang/internal/storetest"
)

var db *storetest.Server

func TestMain(m *testing.M) { storetest.Main(m, &db) }

// code is the client error code of err, "" for nil, "internal" for an
// error that is not a client error.
func code(err error) string {
	if err == nil {
		return ""
	}
	var de *domain.Error
	if !errors.As(err, &de) {
		return "internal"
	}
	return string(de.Code)
}
