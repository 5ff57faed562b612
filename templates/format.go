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
