package templates

import "context"

func count(ctx context.Context, n int) string { return N(ctx, "SessionCount", n) }

// sortMark shows a sorted column's direction.
func sortMark(sorted string) string {
	if sorted == "descending" {
		return " ▼"
	}
	return " ▲"
}

// sessionsCaption names the rows of the sessions table: how many, which of
// them, and whose.
func sessionsCaption(ctx context.Context, v SessionsLive) string {
	sessions := count(ctx, v.Total)
	if v.Total > len(v.Rows) {
		sessions = T(ctx, "RangeOf", "From", Num(ctx, v.From), "To", Num(ctx, v.To), "Total", sessions)
	}
	switch {
	case v.ShowNode:
		return T(ctx, "SessionsCaptionFleet", "Sessions", sessions)
	case v.IsAdmin:
		return T(ctx, "SessionsCaptionServer", "Sessions", sessions)
	}
	return T(ctx, "SessionsCaptionCustomer", "Sessions", sessions)
}
