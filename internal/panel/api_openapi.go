package panel

import (
	stdbytes "bytes"
	_ "embed"
	"net/http"

	"github.com/ftppanel/ftppanel/templates"
)

// openAPIDocument describes the JSON API; a test checks it against the routes.
//
//go:embed openapi.json
var openAPIDocument []byte

// showOpenAPI serves the OpenAPI document. It is public: it describes the API
// and holds nothing secret. Its server is the API's path, under the base path.
func (p *Panel) showOpenAPI(w http.ResponseWriter, r *http.Request) {
	w.Header().Set("Content-Type", "application/json")
	w.Write(stdbytes.Replace(openAPIDocument, []byte(`"url": "/api/v1"`), []byte(`"url": "`+templates.Path(r.Context(), "/api/v1")+`"`), 1))
}
