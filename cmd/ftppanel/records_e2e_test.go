package main

import (
	"html"
	"net/http"
	"regexp"
	"strings"
)

// Reading the history and audit log pages as a person reads them: rows, each
// cell by its label, and the links between pages.

var (
	recordCellPattern = regexp.MustCompile(`(?s)<td data-label="([^"]*)"[^>]*>(.*?)</td>`)
	recordTagPattern  = regexp.MustCompile(`(?s)<[^>]*>`)
)

// recordRow is one row of a table: the value of its id attribute, and the text
// of each cell by its label.
type recordRow struct {
	id    string
	cells map[string]string
	html  string
}

// recordRows reads the rows whose <tr> carries the attribute attr, in order.
func recordRows(body, attr string) []recordRow {
	rowPattern := regexp.MustCompile(`(?s)<tr ` + regexp.QuoteMeta(attr) + `="([^"]*)"[^>]*>(.*?)</tr>`)
	var rows []recordRow
	for _, m := range rowPattern.FindAllStringSubmatch(body, -1) {
		r := recordRow{id: html.UnescapeString(m[1]), cells: map[string]string{}, html: m[2]}
		for _, c := range recordCellPattern.FindAllStringSubmatch(m[2], -1) {
			r.cells[html.UnescapeString(c[1])] = htmlText(c[2])
		}
		rows = append(rows, r)
	}
	return rows
}

// htmlText is HTML as text: tags removed, entities decoded, white space collapsed.
func htmlText(s string) string {
	return strings.Join(strings.Fields(html.UnescapeString(recordTagPattern.ReplaceAllString(s, " "))), " ")
}

func recordIDs(rows []recordRow) []string {
	ids := make([]string, len(rows))
	for i, r := range rows {
		ids[i] = r.id
	}
	return ids
}

// recordLink is where the link marked data-testid=testid leads, or "" without one.
func recordLink(body, testid string) string {
	tag := regexp.MustCompile(`<a [^>]*data-testid="` + regexp.QuoteMeta(testid) + `"[^>]*>`).FindString(body)
	if m := regexp.MustCompile(`href="([^"]*)"`).FindStringSubmatch(tag); m != nil {
		return html.UnescapeString(m[1])
	}
	return ""
}

// navCurrent is the header link marked as the current page.
func navCurrent(body string) string {
	var current []string
	for _, tag := range regexp.MustCompile(`<a [^>]*aria-current="page"[^>]*>`).FindAllString(body, -1) {
		current = append(current, regexp.MustCompile(`href="([^"]*)"`).FindStringSubmatch(tag)[1])
	}
	return strings.Join(current, " ")
}

// mustPage fetches a panel page that must answer 200.
func (b *browser) mustPage(path string) string {
	b.t.Helper()
	r := b.get(path)
	if r.status != http.StatusOK {
		b.t.Fatalf("GET %s: status %d\n%s", path, r.status, r.body)
	}
	return r.body
}

// emptyStateText is what the page says when it has no rows, or "".
func emptyStateText(body string) string {
	m := regexp.MustCompile(`(?s)data-testid="empty"[^>]*>(.*?)</p>`).FindStringSubmatch(body)
	if m == nil {
		return ""
	}
	return htmlText(m[1])
}
