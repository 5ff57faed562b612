package panel

import (
	"github.com/ftppanel/ftppanel/internal/format"
	"github.com/ftppanel/ftppanel/internal/session"
)

// throttleDetail is what the audit log says of a limit set or lifted.
func throttleDetail(snap session.Snapshot, bps int64) string {
	what := "limit lifted"
	if bps > 0 {
		what = "limited to " + format.Limit(bps)
	}
	return what + "; " + activity(snap)
}
