package templates

import "strconv"

func count(n int) string {
	if n == 1 {
		return "1 session"
	}
	return strconv.Itoa(n) + " sessions"
}

// sortMark shows a sorted column's direction.
func sortMark(sorted string) string {
	if sorted == "descending" {
		return " ▼"
	}
	return " ▲"
}

// fmtCount says how many of something: "1 ban", "2 bans".
func fmtCount(n int, one, many string) string {
	if n == 1 {
		return "1 " + one
	}
	return strconv.Itoa(n) + " " + many
}
