package quarantine_test

import (
	"testing"

	"go.uber.org/goleak"
)

// The store starts no goroutines; the killed-child test runs processes whose pipes must be
// drained and waited for. Nothing may be left running.
func TestMain(m *testing.M) {
	goleak.VerifyTestMain(m)
}
