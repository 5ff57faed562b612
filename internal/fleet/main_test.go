package fleet

import (
	"testing"

	"go.uber.org/goleak"
)

// TestMain checks that no test leaves a goroutine behind: a node that closes
// stops everything it started, its watch of the bans too.
func TestMain(m *testing.M) {
	goleak.VerifyTestMain(m)
}
