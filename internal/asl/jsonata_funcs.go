package asl

import (
	"errors"
	"fmt"
	"math"
	"math/rand/v2"

	"github.com/google/uuid"
	jsonata "github.com/xiatechs/jsonata-go"
	"github.com/xiatechs/jsonata-go/jtypes"
)

// awsFunctions are the functions AWS adds to JSONata's library: $partition,
// $range, $hash, $random (which takes an optional seed), $uuid and $parse.
// Where an intrinsic function does the same, they share its code and
// limits.
func awsFunctions() map[string]jsonata.Extension {
	return map[string]jsonata.Extension{
		"partition": {Func: func(array, size any) (any, error) {
			return callIntrinsic(fnArrayPartition, array, size)
		}},
		"range": {Func: jsonataRange},
		"hash": {Func: func(data, algorithm any) (any, error) {
			return callIntrinsic(fnHash, data, algorithm)
		}},
		"random": {Func: jsonataRandom},
		"uuid":   {Func: uuid.NewString},
		"parse": {Func: func(s string) (any, error) {
			v, err := parseJSON([]byte(s))
			if err != nil {
				return nil, fmt.Errorf("$parse: the string is not valid JSON: %w", err)
			}
			return keyOrder(nil).toJSONata(v), nil
		}},
	}
}

// callIntrinsic calls an intrinsic function's implementation with
// arguments from the JSONata library and returns its result to it.
func callIntrinsic(fn func(*intrinsicCall, []any) (any, error), args ...any) (any, error) {
	for i, a := range args {
		v, err := keyOrder(nil).fromJSONata(a)
		if err != nil {
			return nil, fmt.Errorf("argument %d is not a JSON value", i+1)
		}
		args[i] = v
	}
	out, err := fn(nil, args)
	if err != nil {
		return nil, err
	}
	return keyOrder(nil).toJSONata(out), nil
}

// jsonataRange is $range(start, end, step): the integers from start to end
// (inclusive) step apart; step may be negative. As AWS does (recorded), a
// range of one element returns the element itself, not an array.
func jsonataRange(start, end, step float64) (any, error) {
	for _, f := range []float64{start, end, step} {
		if f != math.Trunc(f) || math.Abs(f) >= 1<<53 {
			return nil, errors.New("$range: the start, end and step must be integers")
		}
	}
	if step == 0 {
		return nil, errors.New("$range: the step must not be 0")
	}
	n := math.Floor((end-start)/step) + 1
	if n <= 0 {
		return []any{}, nil
	}
	if n > maxArrayRange {
		return nil, fmt.Errorf("$range: the range has more elements than the limit of %d", maxArrayRange)
	}
	if n == 1 {
		return start, nil
	}
	out := make([]any, int(n))
	for i := range out {
		out[i] = start + float64(i)*step
	}
	return out, nil
}

// jsonataRandom is $random([seed]): a number from 0 (inclusive) to 1
// (exclusive), the same for the same seed.
func jsonataRandom(seed jtypes.OptionalFloat64) float64 {
	if !seed.IsSet() {
		return rand.Float64()
	}
	s := math.Float64bits(seed.Float64)
	return rand.New(rand.NewPCG(s, s)).Float64()
}
