package stepfunctions

import (
	"slices"
	"testing"
)

// keys returns the keys of c from the most to the least recently used.
func (c *lru[K, V]) keys() []K {
	c.mu.Lock()
	defer c.mu.Unlock()
	var out []K
	for e := c.order.Front(); e != nil; e = e.Next() {
		out = append(out, e.Value.(*lruEntry[K, V]).key)
	}
	return out
}

func TestLRU(t *testing.T) {
	c := newLRU[string, string](2)
	c.put("a", "1")
	c.put("b", "1")
	if _, ok := c.get("a"); !ok {
		t.Fatal(`get("a") found nothing`)
	}
	c.put("c", "1") // evicts b, the least recently used
	c.put("a", "2") // replaces a's value, evicts nothing
	if got, want := c.keys(), []string{"a", "c"}; !slices.Equal(got, want) {
		t.Errorf("keys = %q, want %q", got, want)
	}
	if v, _ := c.get("a"); v != "2" {
		t.Errorf(`get("a") = %q, want "2"`, v)
	}
	if _, ok := c.get("b"); ok {
		t.Error(`get("b") found the evicted entry`)
	}
}
