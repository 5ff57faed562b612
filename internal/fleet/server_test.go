package fleet

import "testing"

// TestServerCountsEachNodesTraffic: the server's counts, by connection name,
// grow with each node's heartbeats, in (what it sends) and out (what it hears).
func TestServerCountsEachNodesTraffic(t *testing.T) {
	srv, url := startNATS(t)
	testNode(t, url, "a")
	testNode(t, url, "b")
	eventually(t, "both nodes' heartbeats counted, sent and heard", func() bool {
		clients, err := srv.Clients()
		if err != nil {
			t.Fatal(err)
		}
		for _, name := range []string{"ftppanel a", "ftppanel b"} {
			c := clients[name]
			if c.InMsgs < 2 || c.OutMsgs < 2 || c.InBytes == 0 || c.OutBytes == 0 {
				return false
			}
		}
		return true
	})
}
