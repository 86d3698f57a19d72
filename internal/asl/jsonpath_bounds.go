package asl

import (
	"strings"

	"github.com/ohler55/ojg/jp"
)

// An indefinite path with more than one descent ("..") selects, on a deeply
// nested input, a number of values that grows with a power of the depth:
// "$..a..a..a" over 400 levels of {"a": ...} (2 KB of input) selects some
// ten million values, and ojg builds them all before any size check sees
// the result (seconds of CPU and gigabytes, more with each ".."). Such a
// path is first measured on the value it reads, without building anything:
// how many values each of its steps selects, at most, counting a value as
// often as ojg visits it. A path that would visit more than maxPathWork
// values fails with States.Runtime before ojg runs. Real paths visit a few
// times the size of their input; a path that visits more could not return
// a result that fits a payload, unless a later step filters it away, which
// this interpreter does not wait for.

// maxPathWork is the most values the steps of one indefinite path may
// select together (about a second of ojg's work).
const maxPathWork = 4 * MaxPayloadSize

// needsWorkBound reports whether the path text has more than one descent,
// filters included: with one, ojg's work is proportional to the input.
func needsWorkBound(text string) bool {
	return strings.Count(text, "..") > 1
}

// flatValue is one value of a tree flattened in pre-order: its subtree is
// the values from its own index to end.
type flatValue struct {
	val    any
	key    string // its key in its parent object
	index  int    // its index in its parent array
	parent int    // -1 for the root
	end    int
}

// flatten lists v and every value inside it in pre-order.
func flatten(v any) []flatValue {
	var out []flatValue
	var walk func(v any, parent int, key string, index int)
	walk = func(v any, parent int, key string, index int) {
		i := len(out)
		out = append(out, flatValue{val: v, key: key, index: index, parent: parent})
		switch tv := v.(type) {
		case []any:
			for j, e := range tv {
				walk(e, i, "", j)
			}
		case *object, map[string]any:
			o, _ := asObject(tv)
			for j, k := range o.keys {
				walk(o.vals[j], i, k, 0)
			}
		}
		out[i].end = len(out)
	}
	walk(v, -1, "", 0)
	return out
}

// pathWorkExceeded reports whether evaluating x on root would select more
// than maxPathWork values over all its steps. Each step maps how many times
// each value of root is selected to the next such count: exactly for keys,
// indexes and descents, as an upper bound (every child) for wildcards,
// slices and filters; a filter with descents of its own is charged the
// size of each child it tests, once per descent.
func pathWorkExceeded(x jp.Expr, root any) bool {
	vals := flatten(root)
	cur := make([]int64, len(vals))
	next := make([]int64, len(vals))
	work := int64(0)
	add := func(i int, n int64) {
		next[i] = min(next[i]+n, maxPathWork+1)
		work += n
	}
	children := func(i int, f func(c int)) {
		for c := i + 1; c < vals[i].end; c = vals[c].end {
			f(c)
		}
	}
	for _, frag := range x {
		clear(next)
		switch tf := frag.(type) {
		case jp.Root, jp.At:
			next[0] = 1
			work++
		case jp.Bracket:
			copy(next, cur)
		case jp.Descent: // each value and everything inside it
			for i := range vals {
				n := cur[i]
				if p := vals[i].parent; p >= 0 {
					n += next[p]
				}
				if n > 0 {
					add(i, n)
				}
			}
		default:
			count, depth := 0, 0
			if f, ok := tf.(*jp.Filter); ok {
				count, depth = filterDescents(f.String())
			}
			for i, n := range cur {
				if n == 0 {
					continue
				}
				children(i, func(c int) {
					if selects(tf, vals[c]) {
						add(c, n)
						work += n * filterCost(int64(vals[c].end-c), count, depth)
					}
				})
			}
		}
		if work > maxPathWork {
			return true
		}
		cur, next = next, cur
	}
	return false
}

// filterDescents returns how many descents the filter text f holds and
// how deeply they are nested in its filters: "[?(@..a && @..b)]" holds 2
// at depth 1, "[?(@..a[?(@..b)])]" 2 at depth 2.
func filterDescents(f string) (count, depth int) {
	level := 0
	for i := 0; i < len(f); i++ {
		switch {
		case strings.HasPrefix(f[i:], "[?"):
			level++
		case f[i] == ']' && level > 0:
			level--
		case strings.HasPrefix(f[i:], ".."):
			count++
			depth = max(depth, level)
			i++
		}
	}
	return count, depth
}

// filterCost is what testing a value of size values costs a filter with
// count descents nested depth deep: size for each descent, raised to the
// depth (each nested descent runs once per value the outer one selects),
// saturating past maxPathWork.
func filterCost(size int64, count, depth int) int64 {
	if count == 0 {
		return 0
	}
	cost := int64(count)
	for range max(depth, 1) {
		if cost > maxPathWork/max(size, 1) {
			return maxPathWork + 1
		}
		cost *= size
	}
	return cost
}

// selects reports whether the step f may select the child c of a value: a
// key or index step the one it names, a union those it lists, any other
// step every child.
func selects(f jp.Frag, c flatValue) bool {
	switch tf := f.(type) {
	case jp.Child:
		return c.key == string(tf)
	case jp.Nth:
		return c.key == "" && (c.index == int(tf) || int(tf) < 0)
	case jp.Union:
		for _, u := range tf {
			switch tu := u.(type) {
			case string:
				if c.key == tu {
					return true
				}
			case int64:
				if c.key == "" && (c.index == int(tu) || tu < 0) {
					return true
				}
			default:
				return true
			}
		}
		return false
	}
	return true
}
