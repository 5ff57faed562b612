package store

import (
	"testing"
)

// BenchmarkAuthenticateFTP measures a repeat FTP login (the verified cache spares
// bcrypt, so this is the store's read) on each store.
func BenchmarkAuthenticateFTP(b *testing.B) {
	for _, kind := range []string{"sqlite", "postgres"} {
		b.Run(kind, func(b *testing.B) {
			databaseURL, dir := freshStore(b)
			db := mustOpenURL(b, databaseURL, dir)
			if err := db.AddCustomer(b.Context(), "acme", customerPW); err != nil {
				b.Fatal(err)
			}
			if err := db.AddFTPAccount(b.Context(), "web1", "acme", ftpPW); err != nil {
				b.Fatal(err)
			}
			b.ResetTimer() // not the setup (PostgreSQL's start)
			b.RunParallel(func(pb *testing.PB) {
				for pb.Next() {
					if _, err := db.AuthenticateFTP(b.Context(), "web1", ftpPW); err != nil {
						b.Error(err)
						return
					}
				}
			})
		})
	}
}

// BenchmarkRecordAudit measures writing one audit row on each store.
func BenchmarkRecordAudit(b *testing.B) {
	for _, kind := range []string{"sqlite", "postgres"} {
		b.Run(kind, func(b *testing.B) {
			databaseURL, dir := freshStore(b)
			db := mustOpenURL(b, databaseURL, dir)
			b.ResetTimer()
			for b.Loop() {
				if err := db.RecordAudit(b.Context(), AuditEntry{Actor: "root", Action: "bench"}); err != nil {
					b.Fatal(err)
				}
			}
		})
	}
}
