package i18n

import (
	"strings"
	"time"

	"github.com/ftppanel/ftppanel/internal/format"
)

// Number writes a whole number with the language's digit grouping: "12,345"
// in English, "12.345" in German.
func (l *Locale) Number(n int) string { return l.printer.Sprintf("%d", n) }

// decimals writes the decimal point of a number internal/format wrote ("1.5
// MiB/s") as the language does ("1,5 MiB/s"). Those numbers are below 1024, so
// they have no digit grouping to change.
func (l *Locale) decimals(s string) string {
	sep := l.printer.Sprintf("%.1f", 1.5)[1:2]
	if sep == "." {
		return s
	}
	return strings.Replace(s, ".", sep, 1)
}

// Bytes writes a byte count in binary units: "0 B", "12 KiB", "1.5 GiB";
// "1,5 GiB" in German.
func (l *Locale) Bytes(n int64) string { return l.decimals(format.Bytes(n)) }

// Rate writes bytes per second: "3.7 MiB/s", "3,7 MiB/s".
func (l *Locale) Rate(perSecond float64) string { return l.decimals(format.Rate(perSecond)) }

// Limit writes a rate limit as people set it: "1 MiB/s", "1.5 MiB/s"; "no
// limit" in words for 0.
func (l *Locale) Limit(bps int64) string {
	if bps <= 0 {
		return l.T("NoLimit")
	}
	return l.decimals(format.Limit(bps))
}

// Duration writes a duration the way people read it, in the language's units:
// "45s", "3m 12s", "2h 05m", "3d 04h" in English.
func (l *Locale) Duration(d time.Duration) string {
	d = max(d, 0).Truncate(time.Second)
	two := func(n int) string { return l.printer.Sprintf("%02d", n) }
	switch {
	case d < time.Minute:
		return l.T("DurationSeconds", "S", int(d.Seconds()))
	case d < time.Hour:
		return l.T("DurationMinutes", "M", int(d.Minutes()), "S", two(int(d.Seconds())%60))
	case d < 48*time.Hour:
		return l.T("DurationHours", "H", int(d.Hours()), "M", two(int(d.Minutes())%60))
	default:
		return l.T("DurationDays", "D", int(d.Hours())/24, "H", two(int(d.Hours())%24))
	}
}

// timeLayouts are how each language writes a date and time; English keeps the
// panel's ISO-like order.
var timeLayouts = map[string]string{
	"en":    "2006-01-02 15:04:05 UTC",
	"de":    "02.01.2006 15:04:05 UTC",
	"es":    "02/01/2006 15:04:05 UTC",
	"fr":    "02/01/2006 15:04:05 UTC",
	"pt-BR": "02/01/2006 15:04:05 UTC",
}

// dateLayouts are how each language writes a day.
var dateLayouts = map[string]string{
	"en":    "2006-01-02",
	"de":    "02.01.2006",
	"es":    "02/01/2006",
	"fr":    "02/01/2006",
	"pt-BR": "02/01/2006",
}

// Date writes the day of an instant, in UTC, in the language's order.
func (l *Locale) Date(t time.Time) string { return t.UTC().Format(dateLayouts[l.tag]) }

// Time writes an instant in UTC in the language's order of day, month and year.
// The page's script then shows it in the viewer's own time zone.
func (l *Locale) Time(t time.Time) string { return t.UTC().Format(timeLayouts[l.tag]) }
