package resources

import (
	"context"
	"errors"
	"sync/atomic"
	"testing"
	"time"
)

// A cache keeps its last good lists when a read fails, and says why.
func TestCacheKeepsLastGoodListsOnFailure(t *testing.T) {
	var fail atomic.Bool
	c := NewCacheFunc("w", func(context.Context) (*Lists, error) {
		if fail.Load() {
			return nil, errors.New("connection refused")
		}
		return realWorld(), nil
	})
	if c.Get() != nil || c.View() != nil {
		t.Fatal("lists before the first read")
	}
	first, err := c.Refresh(context.Background())
	if err != nil || first == nil || c.Get() != first {
		t.Fatalf("first read: %v", err)
	}
	fail.Store(true)
	got, err := c.Refresh(context.Background())
	if err == nil || got != first || c.Get() != first || c.Err() == nil || c.View() == nil {
		t.Fatalf("a failed read must keep the last lists and report the error: got %p err %v", got, err)
	}
	fail.Store(false)
	second, err := c.Refresh(context.Background())
	if err != nil || second == first || c.Err() != nil {
		t.Fatalf("after the WebUI is back: %v", err)
	}
}

// A name that misses reads the lists again (a model added while the app
// runs), at most once per RefreshAfterMiss: the queue's verdict is
// Checking meanwhile, and refreshed is called when the new lists are in.
func TestCheckReadsTheListsAgainOnAMiss(t *testing.T) {
	var added atomic.Bool
	c := NewCacheFunc("w", func(context.Context) (*Lists, error) {
		l := realWorld()
		if added.Load() {
			l.Checkpoints = append(l.Checkpoints, ckpt("new/juggernautXL_v10.safetensors", "1122334455"))
		}
		return l, nil
	})
	now := time.Unix(1000, 0)
	c.now = func() time.Time { return now }
	key := RequiredKey([]Need{{Kind: KindCheckpoint, Name: "juggernautXL_v10.safetensors"}})
	if v := c.Check(key, nil); v.State != Unknown {
		t.Fatalf("before any read: %+v", v)
	}
	if _, err := c.Refresh(context.Background()); err != nil {
		t.Fatal(err)
	}
	if v := c.Check(key, nil); v.State != No {
		t.Fatalf("just read, the miss stands: %+v", v)
	}
	added.Store(true)
	now = now.Add(MissRefreshAfter)
	done := make(chan struct{})
	if v := c.Check(key, func() { close(done) }); v.State != Checking {
		t.Fatalf("an old miss reads again: %+v", v)
	}
	select {
	case <-done:
	case <-time.After(10 * time.Second):
		t.Fatal("refreshed was not called")
	}
	if v := c.Check(key, nil); v.State != Yes {
		t.Fatalf("after the new lists: %+v", v)
	}
}
