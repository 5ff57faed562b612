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

// limitPresets are the limits the panel's dialog and page offer.
var limitPresets = []int64{256 << 10, 512 << 10, 1 << 20, 2 << 20, 5 << 20, 10 << 20}
