package templates

import (
	"context"
	"os"
	"path/filepath"
	"regexp"
	"strings"
	"testing"
)

func TestPathUnderBasePath(t *testing.T) {
	ctx := WithBasePath(context.Background(), "/ftp-sessions")
	for in, want := range map[string]string{
		"/":                     "/ftp-sessions/",
		"/sessions?login=bob":   "/ftp-sessions/sessions?login=bob",
		"#main":                 "#main",
		"//elsewhere.example/x": "//elsewhere.example/x",
	} {
		if got := Path(ctx, in); got != want {
			t.Errorf("Path(%q) = %q, want %q", in, got, want)
		}
	}
	if got := Path(context.Background(), "/sessions"); got != "/sessions" {
		t.Errorf("without a base path, Path(/sessions) = %q", got)
	}
	if got := string(URL(ctx, "/accounts/bob/delete")); got != "/ftp-sessions/accounts/bob/delete" {
		t.Errorf("URL = %q", got)
	}
}

// urlAttr is an attribute of a view that sends the browser somewhere.
var urlAttr = regexp.MustCompile(`\s(href|action|src|formaction|data-[a-z-]*url)=("[^"]*"|\{[^}]*\})|\scontent=("[^"]*url=[^"]*"|\{[^}]*url=[^}]*\})`)

// Every URL a view writes goes through URL or Path, which put the base path in
// front: a literal "/sessions" would miss it when the panel is under a prefix.
func TestViewsBuildURLsWithTheBasePath(t *testing.T) {
	files, err := filepath.Glob("*.templ")
	if err != nil || len(files) == 0 {
		t.Fatalf("no views: %v", err)
	}
	found := 0
	for _, file := range files {
		src, err := os.ReadFile(file)
		if err != nil {
			t.Fatal(err)
		}
		for _, m := range urlAttr.FindAllStringSubmatch(string(src), -1) {
			found++
			value := strings.Trim(m[2]+m[3], "{} ")
			switch {
			case strings.HasPrefix(value, `"#`):
			case strings.HasPrefix(value, "URL(ctx, "), strings.HasPrefix(value, "Path(ctx, "),
				strings.HasPrefix(value, `"0;url=" + Path(ctx, `):
			default:
				t.Errorf("%s: %s does not build its URL with URL(ctx, ...) or Path(ctx, ...)", file, strings.TrimSpace(m[0]))
			}
		}
	}
	if found < 40 {
		t.Errorf("found only %d URLs in the views; is the pattern still right?", found)
	}
}
