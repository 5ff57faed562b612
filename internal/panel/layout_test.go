package panel

import (
	"go/ast"
	"go/parser"
	"go/token"
	"path/filepath"
	"slices"
	"strings"
	"testing"
)

// TestHandlerFiles keeps the files as doc.go says: each handler that routes.go
// routes is alone in a file named <subject>_<action>.go, and a file named
// without an underscore holds none.
func TestHandlerFiles(t *testing.T) {
	fset := token.NewFileSet()
	routes, err := parser.ParseFile(fset, "routes.go", nil, 0)
	if err != nil {
		t.Fatal(err)
	}
	routed := map[string]bool{}
	ast.Inspect(routes, func(n ast.Node) bool {
		call, ok := n.(*ast.CallExpr)
		if !ok {
			return true
		}
		method, ok := call.Fun.(*ast.SelectorExpr)
		if !ok || !slices.Contains([]string{"Get", "Post", "Put", "Patch", "Delete", "Handle", "HandleFunc", "Method"}, method.Sel.Name) {
			return true
		}
		for _, arg := range call.Args {
			if h, ok := arg.(*ast.SelectorExpr); ok {
				if recv, ok := h.X.(*ast.Ident); ok && recv.Name == "p" {
					routed[h.Sel.Name] = true
				}
			}
		}
		return true
	})
	if len(routed) < 30 {
		t.Fatalf("found only %d routed handlers in routes.go: %v", len(routed), routed)
	}

	files, err := filepath.Glob("*.go")
	if err != nil {
		t.Fatal(err)
	}
	found := map[string]bool{}
	for _, file := range files {
		if strings.HasSuffix(file, "_test.go") {
			continue
		}
		f, err := parser.ParseFile(fset, file, nil, 0)
		if err != nil {
			t.Fatal(err)
		}
		var handlers []string
		for _, d := range f.Decls {
			if fn, ok := d.(*ast.FuncDecl); ok && fn.Recv != nil && routed[fn.Name.Name] {
				handlers = append(handlers, fn.Name.Name)
				found[fn.Name.Name] = true
			}
		}
		switch isHandlerFile := strings.Contains(file, "_"); {
		case isHandlerFile && len(handlers) != 1:
			t.Errorf("%s is named as a handler's file, and holds %d routed handlers: %v", file, len(handlers), handlers)
		case !isHandlerFile && len(handlers) > 0:
			t.Errorf("%s holds the handlers %v: name it <subject>_<action>.go, one handler a file", file, handlers)
		}
	}
	for h := range routed {
		if !found[h] {
			t.Errorf("routes.go routes p.%s, which no file defines as a method", h)
		}
	}
}
