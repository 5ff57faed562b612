package main

import (
	"context"
	"runtime/debug"
	"runtime/metrics"
	"time"
)

// releaseMemoryEvery is how often serve checks whether its heap holds much more
// memory than its live objects need.
const releaseMemoryEvery = 10 * time.Second

// releaseMemory returns the heap's spare memory to the system whenever the heap
// holds well over what its live objects need, until ctx is done.
//
// Go lets the heap grow to twice its live size before collecting, and keeps
// what it collected for reuse. A server holding thousands of idle sessions
// would keep the garbage of the logins that opened them for good: 24 KiB per
// idle session instead of the 15 KiB they hold (docs/benchmarks.md). A forced
// collection costs about as much as one the runtime starts itself, and this
// runs at most once per check, so a busy server pays little and an idle one
// gives its memory back within seconds.
func releaseMemory(ctx context.Context, every time.Duration) {
	t := time.NewTicker(every)
	defer t.Stop()
	samples := []metrics.Sample{
		{Name: "/gc/heap/live:bytes"},
		{Name: "/memory/classes/heap/objects:bytes"},
		{Name: "/memory/classes/heap/unused:bytes"},
		{Name: "/memory/classes/heap/free:bytes"},
	}
	for {
		select {
		case <-ctx.Done():
			return
		case <-t.C:
		}
		metrics.Read(samples)
		var held uint64
		for _, s := range samples[1:] {
			held += s.Value.Uint64()
		}
		if worthReleasing(samples[0].Value.Uint64(), held) {
			debug.FreeOSMemory()
		}
	}
}

// worthReleasing reports whether a heap holding held bytes, of which live are
// live objects, has enough spare to be worth a collection: a quarter of the
// live size, and at least 8 MiB, so a small server is left alone.
func worthReleasing(live, held uint64) bool {
	return held > live+max(live/4, 8<<20)
}
