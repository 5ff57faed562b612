package templates

import (
	"io/fs"
	"os"
	"path/filepath"
	"regexp"
	"strings"
	"testing"
)

// auditActionPattern finds the actions the code writes into the audit log: an
// AuditEntry's Action, an action set on one, or the panel's audit helpers'.
var auditActionPattern = regexp.MustCompile(`(?:Action:\s*|Action(?:, [\w.]+)? = |audit\w*\(\w+, )"([^"]+)"`)

// TestEveryAuditActionIsTranslated: the audit page writes each action in the
// reader's language; an action the code writes and actionMessages lacks is shown
// in English on every page (it happened to five actions added later).
func TestEveryAuditActionIsTranslated(t *testing.T) {
	found := map[string]string{}
	for _, root := range []string{"../internal", "../cmd"} {
		err := filepath.WalkDir(root, func(path string, d fs.DirEntry, err error) error {
			if err != nil || d.IsDir() || !strings.HasSuffix(path, ".go") || strings.HasSuffix(path, "_test.go") {
				return err
			}
			src, err := os.ReadFile(path)
			if err != nil {
				return err
			}
			for _, m := range auditActionPattern.FindAllSubmatch(src, -1) {
				found[string(m[1])] = path
			}
			return nil
		})
		if err != nil {
			t.Fatal(err)
		}
	}
	if len(found) < 10 {
		t.Fatalf("found only %d audit actions in the code: the pattern no longer matches how they are written", len(found))
	}
	for action, path := range found {
		if _, ok := actionMessages[action]; !ok {
			t.Errorf("%s writes the audit action %q, which actionMessages does not translate", path, action)
		}
	}
}
