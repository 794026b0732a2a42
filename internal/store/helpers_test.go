package store_test

import (
	"errors"

	"sanfang/internal/domain"
)

func asDomain(err error, target **domain.Error) bool { return errors.As(err, target) }
