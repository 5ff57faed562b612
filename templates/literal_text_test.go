package templates

import (
	"os"
	"path/filepath"
	"regexp"
	"slices"
	"strings"
	"testing"
)

// The .templ files write no text of their own, only messages of the catalog:
// a text or a visible attribute written in the markup would stay English in
// every language, where the catalog tests cannot see it.
func TestTemplatesWriteTextOnlyThroughTheCatalog(t *testing.T) {
	files, err := filepath.Glob("*.templ")
	if err != nil || len(files) < 10 {
		t.Fatalf("templates: %v, %v", files, err)
	}
	for _, f := range files {
		src, err := os.ReadFile(f)
		if err != nil {
			t.Fatal(err)
		}
		for _, text := range literalTexts(string(src)) {
			t.Errorf("%s writes %q outside the catalog", f, text)
		}
	}
}

// sameInEveryMarkup are words a template may write as they are.
var sameInEveryMarkup = []string{"ftppanel", "FTPS"}

var (
	expression  = regexp.MustCompile(`\{[^{}]*\}`)
	tag         = regexp.MustCompile(`<[^>]*>`)
	call        = regexp.MustCompile(`@[\w.]+\(.*\)`)
	visibleAttr = regexp.MustCompile(`\b(aria-label|placeholder|title|alt|data-label)="([^"]*)"`)
	letters     = regexp.MustCompile(`\pL{2,}`)
	// goLines start the lines of Go code and templ's statements.
	goLines = []string{"//", "package ", "import", "func ", "return", "if ", "} else", "else", "for ", "switch",
		"case ", "default", "templ ", "type ", ")", `"`, "var "}
)

// literalTexts are the texts a .templ file writes itself, outside expressions:
// in the markup, or in an attribute people see or hear.
func literalTexts(src string) []string {
	var kept []string
	for _, line := range strings.Split(src, "\n") {
		trimmed := strings.TrimSpace(line)
		if !slices.ContainsFunc(goLines, func(p string) bool { return strings.HasPrefix(trimmed, p) }) {
			kept = append(kept, line)
		}
	}
	text := strings.Join(kept, "\n")
	var found []string
	for _, m := range visibleAttr.FindAllStringSubmatch(text, -1) {
		if letters.MatchString(m[2]) {
			found = append(found, m[0])
		}
	}
	for expression.MatchString(text) {
		text = expression.ReplaceAllString(text, "")
	}
	text = tag.ReplaceAllString(text, " ")
	text = call.ReplaceAllString(text, " ")
	for _, w := range sameInEveryMarkup {
		text = strings.ReplaceAll(text, w, " ")
	}
	for _, line := range strings.Split(text, "\n") {
		if line = strings.TrimSpace(line); letters.MatchString(line) {
			found = append(found, line)
		}
	}
	return found
}

func TestLiteralTextIsFound(t *testing.T) {
	for src, want := range map[string]int{
		"<p class=\"muted\">Add one with the form below.</p>":              1,
		"<input\n\taria-label=\"Other speed\"/>":                           1,
		"<h1>{ T(ctx, \"AccountsHeading\") }</h1>":                         0,
		"<option value=\"24h\" selected?={ d.Value == \"24h\" }>":          0,
		"if v.IsAdmin {\n\tWho is logged in right now.\n}":                 1,
		"<a class=\"brand\" href={ URL(ctx, \"/sessions\") }>ftppanel</a>": 0,
		"<p>@TH(\"BulkRow\", \"Login\", Strong(x))</p>":                    0,
	} {
		if got := literalTexts(src); len(got) != want {
			t.Errorf("literalTexts(%q) = %q, want %d", src, got, want)
		}
	}
}
