package hooks

import (
	"testing"

	"go.uber.org/goleak"
)

// TestMain fails the package when a test leaves a goroutine behind: Close
// must stop the sender and its connections.
func TestMain(m *testing.M) { goleak.VerifyTestMain(m) }
