package session

import (
	"strconv"
	"sync/atomic"
	"testing"
	"time"
)

// benchRegistry is a registry of n logged-in sessions, every one downloading.
func benchRegistry(b *testing.B, n int) (*Registry, []*Session) {
	b.Helper()
	r := NewRegistry()
	now := time.Now()
	sessions := make([]*Session, n)
	for i := range sessions {
		s := New("192.0.2."+strconv.Itoa(i%250+1), 1024+i, now.Add(time.Duration(i)*time.Millisecond), func() {})
		r.Add(s)
		s.LoggedIn("user"+strconv.Itoa(i%100), "customer"+strconv.Itoa(i%10), "lftp", false, now)
		s.StartTransfer(StateDownloading, "/site/file-"+strconv.Itoa(i)+".bin", 1<<30, now)
		sessions[i] = s
	}
	return r, sessions
}

// BenchmarkSessionUpdates is the FTP side's hot path: every transferred chunk
// adds its bytes and marks activity on its session, from many transfers at
// once, while the panel lists every session over and over.
func BenchmarkSessionUpdates(b *testing.B) {
	for _, tc := range []struct {
		name   string
		shared bool
	}{{"each goroutine its own session", false}, {"all goroutines one session", true}} {
		b.Run(tc.name, func(b *testing.B) {
			r, sessions := benchRegistry(b, 1000)
			stop := make(chan struct{})
			listed := make(chan int)
			go func() {
				n := 0
				for {
					select {
					case <-stop:
						listed <- n
						return
					default:
					}
					r.List(AllSessions(), Filter{})
					n++
				}
			}()
			var next atomic.Int64
			b.ReportAllocs()
			b.ResetTimer()
			b.RunParallel(func(pb *testing.PB) {
				s := sessions[0]
				if !tc.shared {
					s = sessions[next.Add(1)%int64(len(sessions))]
				}
				now := time.Now()
				for pb.Next() {
					s.AddDown(256<<10, now)
				}
			})
			b.StopTimer()
			close(stop)
			b.ReportMetric(float64(<-listed), "lists")
		})
	}
}

// BenchmarkRegistryList lists 10,000 sessions, as the panel's page and the API do
// on every request, sorted by connection time.
func BenchmarkRegistryList(b *testing.B) {
	r, _ := benchRegistry(b, 10000)
	b.ReportAllocs()
	b.ResetTimer()
	for b.Loop() {
		if got := r.List(AllSessions(), Filter{}); len(got) != 10000 {
			b.Fatalf("%d sessions listed", len(got))
		}
	}
}

// BenchmarkRegistryListOneCustomer lists one customer's tenth of 10,000 sessions.
func BenchmarkRegistryListOneCustomer(b *testing.B) {
	r, _ := benchRegistry(b, 10000)
	b.ReportAllocs()
	b.ResetTimer()
	for b.Loop() {
		if got := r.List(CustomerSessions("customer3"), Filter{}); len(got) != 1000 {
			b.Fatalf("%d sessions listed", len(got))
		}
	}
}

// BenchmarkRegistryEverySecond is what the server does with 10,000 sessions
// every second whether or not anything happens: find the timed-out sessions and
// sample every session's rate.
func BenchmarkRegistryEverySecond(b *testing.B) {
	r, _ := benchRegistry(b, 10000)
	b.ReportAllocs()
	b.ResetTimer()
	for b.Loop() {
		if got := r.Overdue(time.Now(), time.Minute, time.Hour); len(got) != 0 {
			b.Fatalf("%d sessions overdue", len(got))
		}
		r.Sample()
	}
}
