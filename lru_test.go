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
	strlen := func(s string) int { return len(s) }
	type op struct {
		put      bool // put key=value, else get key
		key, val string
	}
	tests := []struct {
		name      string
		capacity  int
		maxCost   int
		ops       []op
		wantKeys  []string
		wantTotal int
	}{
		{"capacity evicts the least recently used", 2, 0,
			[]op{{true, "a", "1"}, {true, "b", "1"}, {false, "a", ""}, {true, "c", "1"}},
			[]string{"c", "a"}, 0},
		{"cost evicts until under the bound", 10, 5,
			[]op{{true, "a", "xx"}, {true, "b", "xx"}, {true, "c", "xx"}},
			[]string{"c", "b"}, 4},
		{"a get protects from cost eviction", 10, 5,
			[]op{{true, "a", "xx"}, {true, "b", "xx"}, {false, "a", ""}, {true, "c", "xx"}},
			[]string{"c", "a"}, 4},
		{"the latest entry is kept even over the bound", 10, 5,
			[]op{{true, "a", "x"}, {true, "b", "xxxxxxxx"}},
			[]string{"b"}, 8},
		{"replacing a value updates the total", 10, 5,
			[]op{{true, "a", "x"}, {true, "b", "x"}, {true, "a", "xxxx"}},
			[]string{"a", "b"}, 5},
		{"replacing with a larger value evicts others", 10, 5,
			[]op{{true, "a", "xx"}, {true, "b", "xx"}, {true, "a", "xxxx"}},
			[]string{"a"}, 4},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			c := newCostLRU[string](tt.capacity, tt.maxCost, strlen)
			if tt.maxCost == 0 {
				c = newLRU[string, string](tt.capacity)
			}
			for _, o := range tt.ops {
				if o.put {
					c.put(o.key, o.val)
				} else if _, ok := c.get(o.key); !ok {
					t.Fatalf("get(%q) found nothing", o.key)
				}
			}
			if got := c.keys(); !slices.Equal(got, tt.wantKeys) {
				t.Errorf("keys = %q, want %q", got, tt.wantKeys)
			}
			if c.total != tt.wantTotal {
				t.Errorf("total cost = %d, want %d", c.total, tt.wantTotal)
			}
		})
	}
}
