package asl

// The library functions this package gives in place of the library's own,
// or beside them: registered in staticRegistry.

import (
	"errors"
	"fmt"
	"math"
	"reflect"
	"strings"
	"unicode/utf8"

	"github.com/xiatechs/jsonata-go/jlib"
	"github.com/xiatechs/jsonata-go/jtypes"
)

// unavailable is the stand-in for a library extension AWS does not offer.
func unavailable(name string) func(...any) (any, error) {
	return func(...any) (any, error) {
		return nil, fmt.Errorf("the function $%s is not supported", name)
	}
}

// assert is JSONata 2.0's $assert(condition[, message]), which the
// library lacks: nothing when condition holds, else an error with message.
func assert(cond bool, message jtypes.OptionalString) (any, error) {
	if cond {
		return nil, nil
	}
	if message.IsSet() {
		return nil, errors.New(message.String)
	}
	return nil, errors.New("$assert() statement failed")
}

// single is $single(array[, function]); the library's requires the
// function, which JSONata makes optional.
func single(v reflect.Value, f jtypes.OptionalCallable) (any, error) {
	if f.IsSet() {
		return jlib.Single(v, f.Callable)
	}
	v = jtypes.Resolve(v)
	if !jtypes.IsArray(v) {
		return v.Interface(), nil
	}
	if v.Len() != 1 {
		return nil, fmt.Errorf("$single: expected exactly one value, got %d", v.Len())
	}
	return v.Index(0).Interface(), nil
}

// maxPadWidth is the most characters $pad pads to: four payloads, as
// intrinsic functions may return together (maxIntrinsicWork). AWS's own
// bound is UNCONFIRMED.
const maxPadWidth = maxIntrinsicWork

// pad is $pad(s, width[, chars]) with its width bounded: the library's
// builds the padding whole, so that a width of 2e9 takes gigabytes (and
// 1e300 panics) in an evaluation that has no deadline.
func pad(s string, width float64, chars jtypes.OptionalString) (string, error) {
	if math.Abs(width) > maxPadWidth {
		return "", fmt.Errorf("$pad: the width %v is longer than the limit of %d characters", width, maxPadWidth)
	}
	w := int(width)
	n := max(w, -w) - utf8.RuneCountInString(s)
	if n <= 0 {
		return s, nil
	}
	ch := chars.String
	if ch == "" {
		ch = " "
	}
	var b strings.Builder
	b.Grow(len(s) + n)
	if w > 0 {
		b.WriteString(s)
	}
	for n > 0 {
		for _, r := range ch {
			if n == 0 {
				break
			}
			b.WriteRune(r)
			n--
		}
	}
	if w < 0 {
		b.WriteString(s)
	}
	return b.String(), nil
}

// formatNumber is $formatNumber without the library's infinite loop on
// zero (or infinity) with an exponent picture.
func formatNumber(value float64, picture string, options jtypes.OptionalValue) (string, error) {
	if (value == 0 || math.IsInf(value, 0)) && strings.ContainsAny(picture, "eE") {
		return "", errors.New("$formatNumber cannot format zero with an exponent picture")
	}
	return jlib.FormatNumber(value, picture, options)
}
