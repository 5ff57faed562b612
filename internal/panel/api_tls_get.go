package panel

import (
	"net/http"
	"time"
)

// apiGetTLS tells the FTPS certificate this node's FTP server hands to new
// connections. Only an administrator's token may ask.
func (p *Panel) apiGetTLS(w http.ResponseWriter, r *http.Request) {
	if _, ok := p.apiQuery(w, r); !ok {
		return
	}
	if !currentUser(r).IsAdmin() {
		p.apiError(w, r, http.StatusForbidden, "only an administrator's token can see the FTPS certificate")
		return
	}
	out := apiTLS{Node: p.node, DNSNames: []string{}}
	if p.certificate != nil {
		if leaf, loaded := p.certificate(); leaf != nil {
			out.TLS, out.Subject, out.Issuer = true, leaf.Subject.String(), leaf.Issuer.String()
			if leaf.DNSNames != nil {
				out.DNSNames = leaf.DNSNames
			}
			out.NotBefore, out.NotAfter, out.LoadedAt = rfc3339(leaf.NotBefore), rfc3339(leaf.NotAfter), rfc3339(loaded)
		}
	}
	p.writeJSON(w, r, http.StatusOK, out)
}

// apiTLS is the FTPS certificate as the JSON API shows it (schema TLS).
type apiTLS struct {
	TLS       bool     `json:"tls"`
	Node      string   `json:"node"`
	Subject   string   `json:"subject"`
	DNSNames  []string `json:"dns_names"`
	Issuer    string   `json:"issuer"`
	NotBefore *string  `json:"not_before"`
	NotAfter  *string  `json:"not_after"`
	LoadedAt  *string  `json:"loaded_at"`
}

// rfc3339 is t in UTC for the API; nil for the zero time.
func rfc3339(t time.Time) *string {
	if t.IsZero() {
		return nil
	}
	s := t.UTC().Format(time.RFC3339)
	return &s
}
