package logscan

import (
	"testing"

	"go.uber.org/goleak"
)

// Scan must not leave goroutines behind, whatever the input or a cancelled context.
func TestMain(m *testing.M) {
	goleak.VerifyTestMain(m)
}
