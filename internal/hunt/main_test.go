package hunt

import (
	"testing"

	"go.uber.org/goleak"
)

// The hunt starts worker pools for logs, files and event chunks: none may outlive Run.
func TestMain(m *testing.M) {
	goleak.VerifyTestMain(m)
}
