// Package format writes sizes, rates and durations the way the panel and the
// command line show them, so both say the same.
package format

import (
	"errors"
	"fmt"
	"math"
	"strconv"
	"strings"
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

// Limit prints a rate limit in bytes per second as people set it: "1 MiB/s",
// "500 KiB/s", "1.5 MiB/s"; "no limit" for 0.
func Limit(bps int64) string {
	if bps <= 0 {
		return "no limit"
	}
	for _, u := range []struct {
		size int64
		name string
	}{{1 << 30, "GiB"}, {1 << 20, "MiB"}, {1 << 10, "KiB"}} {
		if bps >= u.size {
			if bps%u.size == 0 {
				return fmt.Sprintf("%d %s/s", bps/u.size, u.name)
			}
			return fmt.Sprintf("%.1f %s/s", float64(bps)/float64(u.size), u.name)
		}
	}
	return fmt.Sprintf("%d B/s", bps)
}

// ParseLimit's errors wrap one of these.
var (
	ErrNotRate = errors.New("not a rate")
	ErrTooFast = errors.New("more than the highest limit")
)

// MaxLimit is the highest rate limit accepted: 100 GiB/s, beyond any link.
const MaxLimit = 100 << 30

// ParseLimit reads a rate limit as the command line and the panel take it:
// bytes per second, with an optional binary suffix K, M or G ("500K", "1M",
// "1.5M"); "off" or "0" is no limit (0).
func ParseLimit(text string) (int64, error) {
	t := strings.TrimSpace(strings.ToUpper(text))
	t = strings.TrimSuffix(strings.TrimSuffix(t, "/S"), "B")
	t = strings.TrimSuffix(t, "I")
	if t == "OFF" || t == "0" {
		return 0, nil
	}
	mult := 1.0
	if t != "" {
		switch t[len(t)-1] {
		case 'K':
			mult = 1 << 10
		case 'M':
			mult = 1 << 20
		case 'G':
			mult = 1 << 30
		}
		if mult != 1 {
			t = strings.TrimSpace(t[:len(t)-1])
		}
	}
	v, err := strconv.ParseFloat(t, 64)
	if err != nil || math.IsNaN(v) || v < 0 {
		return 0, fmt.Errorf("%q is %w: give bytes per second, such as 500K, 1M or off", text, ErrNotRate)
	}
	bps := v * mult
	if bps > MaxLimit {
		return 0, fmt.Errorf("%q is %w, 100G", text, ErrTooFast)
	}
	if bps > 0 && bps < 1 {
		bps = 1
	}
	return int64(bps), nil
}

// Limits says a pair of download and upload limits in bytes per second (0 for
// none): "down 2 MiB/s, up 512 KiB/s", "down 1 MiB/s, up no limit", "no limit".
func Limits(down, up int64) string {
	if down <= 0 && up <= 0 {
		return "no limit"
	}
	return "down " + Limit(down) + ", up " + Limit(up)
}
