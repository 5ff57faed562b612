package panel

import (
	"context"
	"crypto/x509"
	"math"
	"net/http"
	"time"

	"github.com/ftppanel/ftppanel/templates"
)

// CertificateSource tells the FTPS certificate in use and when it was loaded;
// a nil certificate when FTPS is off.
type CertificateSource func() (*x509.Certificate, time.Time)

// certificateWarnBefore is how long before the FTPS certificate expires the
// panel starts warning admins.
const certificateWarnBefore = 14 * 24 * time.Hour

type certificateKey struct{}

// withCertificateWarning puts the FTPS certificate's expiry in the request of an
// admin, for the banner every page shows from 14 days before it expires.
func (p *Panel) withCertificateWarning(next http.Handler) http.Handler {
	return http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
		if b := p.certificateBanner(); b.Expires.Present && currentUser(r).IsAdmin() {
			r = r.WithContext(context.WithValue(r.Context(), certificateKey{}, b))
		}
		next.ServeHTTP(w, r)
	})
}

// certificateWarningOf is the banner withCertificateWarning put in the request.
func certificateWarningOf(r *http.Request) templates.CertificateBanner {
	b, _ := r.Context().Value(certificateKey{}).(templates.CertificateBanner)
	return b
}

// certificateBanner is the warning about the FTPS certificate's expiry; empty
// when there is none to give.
func (p *Panel) certificateBanner() templates.CertificateBanner {
	if p.certificate == nil {
		return templates.CertificateBanner{}
	}
	leaf, _ := p.certificate()
	if leaf == nil {
		return templates.CertificateBanner{}
	}
	left := leaf.NotAfter.Sub(p.now())
	if left > certificateWarnBefore {
		return templates.CertificateBanner{}
	}
	return templates.CertificateBanner{
		Expires: instant(leaf.NotAfter),
		Date:    leaf.NotAfter.UTC().Format("2006-01-02"),
		// Whole days, rounded down: "in 0 days" on its last day, negative once expired.
		Days: int(math.Floor(left.Hours() / 24)),
	}
}
