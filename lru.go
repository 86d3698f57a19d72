package stepfunctions

import (
	"container/list"
	"sync"
)

// lru is a bounded map that evicts the least recently used entry. It is bounded by its number of entries and,
// when it has a cost function, by their total cost (such as bytes). It is safe for concurrent use.
type lru[K comparable, V any] struct {
	mu       sync.Mutex
	capacity int
	maxCost  int         // 0: no bound
	cost     func(V) int // nil: every entry costs 0
	total    int         // the total cost of the entries
	order    *list.List  // front = most recently used; elements hold *lruEntry
	items    map[K]*list.Element
}

type lruEntry[K comparable, V any] struct {
	key   K
	value V
	cost  int
}

func newLRU[K comparable, V any](capacity int) *lru[K, V] {
	return &lru[K, V]{capacity: max(capacity, 1), order: list.New(), items: make(map[K]*list.Element)}
}

// newCostLRU returns an lru that also keeps the total cost of its entries at most maxCost, except that the
// entry put last is always kept.
func newCostLRU[K comparable, V any](capacity, maxCost int, cost func(V) int) *lru[K, V] {
	c := newLRU[K, V](capacity)
	c.maxCost, c.cost = maxCost, cost
	return c
}

// get returns the value of k and marks it used.
func (c *lru[K, V]) get(k K) (V, bool) {
	c.mu.Lock()
	defer c.mu.Unlock()
	if e, ok := c.items[k]; ok {
		c.order.MoveToFront(e)
		return e.Value.(*lruEntry[K, V]).value, true
	}
	var zero V
	return zero, false
}

// put sets k to v, evicting the least recently used entries while over capacity or cost.
func (c *lru[K, V]) put(k K, v V) {
	c.mu.Lock()
	defer c.mu.Unlock()
	cost := 0
	if c.cost != nil {
		cost = c.cost(v)
	}
	if e, ok := c.items[k]; ok {
		entry := e.Value.(*lruEntry[K, V])
		c.total += cost - entry.cost
		entry.value, entry.cost = v, cost
		c.order.MoveToFront(e)
	} else {
		c.items[k] = c.order.PushFront(&lruEntry[K, V]{key: k, value: v, cost: cost})
		c.total += cost
	}
	for c.order.Len() > c.capacity || (c.maxCost > 0 && c.total > c.maxCost && c.order.Len() > 1) {
		last := c.order.Back()
		entry := last.Value.(*lruEntry[K, V])
		c.order.Remove(last)
		delete(c.items, entry.key)
		c.total -= entry.cost
	}
}

// len returns the number of entries.
func (c *lru[K, V]) len() int {
	c.mu.Lock()
	defer c.mu.Unlock()
	return c.order.Len()
}
