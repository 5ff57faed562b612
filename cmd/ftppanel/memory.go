package main

import (
	"context"
	"runtime/debug"
	"runtime/metrics"
	"time"
)

// releaseMemoryEvery is how often serve checks whether its heap holds much more
// memory than its live objects need.
const releaseMemoryEvery = 5 * time.Second

// releaseMemory returns the heap's spare memory to the system once the server
// has gone quiet, until ctx is done: when no garbage collection ran since the
// last check, and the heap holds well over what its live objects need.
//
// Go lets the heap grow to twice its live size before collecting, and keeps
// what it collected for reuse. A server holding thousands of idle sessions
// would keep the garbage of the logins that opened them for good: 24 KiB per
// idle session instead of the 15 KiB they hold (docs/benchmarks.md). While the
// server is busy the runtime collects on its own and the memory is soon used
// again, so nothing is forced then: a forced collection in the middle of
// panel requests made their slowest 1% slower.
func releaseMemory(ctx context.Context, every time.Duration) {
	t := time.NewTicker(every)
	defer t.Stop()
	samples := []metrics.Sample{
		{Name: "/gc/cycles/total:gc-cycles"},
		{Name: "/gc/heap/live:bytes"},
		{Name: "/memory/classes/heap/objects:bytes"},
		{Name: "/memory/classes/heap/unused:bytes"},
		{Name: "/memory/classes/heap/free:bytes"},
	}
	var cycles uint64
	for {
		select {
		case <-ctx.Done():
			return
		case <-t.C:
		}
		metrics.Read(samples)
		quiet := samples[0].Value.Uint64() == cycles
		cycles = samples[0].Value.Uint64()
		var held uint64
		for _, s := range samples[2:] {
			held += s.Value.Uint64()
		}
		if quiet && worthReleasing(samples[1].Value.Uint64(), held) {
			debug.FreeOSMemory()
			metrics.Read(samples[:1])
			cycles = samples[0].Value.Uint64() // not counting its own collection
		}
	}
}

// worthReleasing reports whether a heap holding held bytes, of which live are
// live objects, has enough spare to be worth a collection: a quarter of the
// live size, and at least 8 MiB, so a small server is left alone.
func worthReleasing(live, held uint64) bool {
	return held > live+max(live/4, 8<<20)
}
