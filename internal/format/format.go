// Package format writes sizes, rates and durations the way the panel and the
// command line show them, so both say the same.
package format

import (
	"fmt"
	"time"

	"github.com/dustin/go-humanize"
)

// Bytes prints a byte count in binary units: "0 B", "12 KiB", "1.5 GiB".
func Bytes(n int64) string { return humanize.IBytes(uint64(max(n, 0))) }

// Rate prints bytes per second: "3.7 MiB/s".
func Rate(perSecond float64) string { return Bytes(int64(perSecond)) + "/s" }

// Duration prints a duration the way people read it: "45s", "3m 12s", "2h 05m",
// "3d 04h".
func Duration(d time.Duration) string {
	d = max(d, 0).Truncate(time.Second)
	switch {
	case d < time.Minute:
		return fmt.Sprintf("%ds", int(d.Seconds()))
	case d < time.Hour:
		return fmt.Sprintf("%dm %02ds", int(d.Minutes()), int(d.Seconds())%60)
	case d < 48*time.Hour:
		return fmt.Sprintf("%dh %02dm", int(d.Hours()), int(d.Minutes())%60)
	default:
		return fmt.Sprintf("%dd %02dh", int(d.Hours())/24, int(d.Hours())%24)
	}
}
